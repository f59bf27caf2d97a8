// The add-in's XML manifest ("add-in only" manifest: Outlook on Mac and mobile do not take the
// unified JSON one), generated per client. Two variants:
//   classic    — a Report button on the message-read ribbon (ExecuteFunction) and a task pane for
//                feedback; validates against Microsoft's XSDs (test/fixtures/office-addin-manifest).
//   integrated — the same as the fallback, plus a VersionOverrides 1.1 (Mailbox 1.14) with
//                Outlook's integrated spam reporting: ReportPhishingCommandSurface, its
//                pre-processing dialog and the runtime Outlook runs the handler in. The XSDs we
//                have predate those elements, so its structure follows Microsoft's documentation
//                (spam-reporting.md and the element reference), checked by the test.
// Element order is schema-enforced; every text goes through esc(); every URL is https on the
// public URL. Microsoft's limits (ShortString ≤ 125 characters, LongString ≤ 250, resource id
// ≤ 32) are respected by construction: the variable texts are bounded in view.ts.

export type ManifestVariant = 'classic' | 'integrated';
export const VARIANTS: readonly ManifestVariant[] = ['classic', 'integrated'];

export interface ManifestInput {
  variant: ManifestVariant;
  addinId: string;
  version: string;
  /** https origin (and optional path) Baitwise is reached at, without a trailing slash */
  baseUrl: string;
  buttonLabel: string;
  reportingOptions: readonly string[];
  freeTextBox: boolean;
}

/** The JavaScript functions the add-in's function file registers (Office.actions.associate). */
export const FUNCTIONS = { classic: 'reportMessage', integrated: 'onSpamReport' } as const;

const PROVIDER = 'Baitwise';
const GROUP_LABEL = 'Security';
const FEEDBACK_LABEL = 'Report status';
const DESCRIPTION = 'Report suspicious messages to your security team.';
const REPORT_TIP = 'Report this message to your security team as suspicious (phishing or spam).';
const FEEDBACK_TIP = 'See what happened to the messages you reported.';
const DIALOG_TEXT = 'Your security team reviews every reported message. The message leaves your inbox once reported.';
const OPTIONS_TITLE = 'Why are you reporting this message?';
const FREE_TEXT_LABEL = 'Anything else your security team should know?';
const MORE_INFO_TEXT = 'How reporting works';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

interface Urls {
  origin: string;
  icon: (size: number) => string;
  commands: string;
  taskpane: string;
  script: string;
  support: string;
}

function urlsFor(input: ManifestInput): Urls {
  const base = input.baseUrl;
  const q = `?addin=${encodeURIComponent(input.addinId)}`;
  return {
    origin: new URL(base).origin,
    icon: (size) => `${base}/addin/assets/icon-${size}.png`,
    commands: `${base}/addin/commands.html${q}`,
    taskpane: `${base}/addin/taskpane.html${q}`,
    script: `${base}/addin/report.js${q}`,
    support: `${base}/addin/support.html${q}`,
  };
}

const BUTTON_ICONS = [16, 32, 80];

const icons = (indent: string) =>
  BUTTON_ICONS.map((s) => `${indent}<bt:Image size="${s}" resid="Icon.${s}"/>`).join('\n');

/**
 * The ribbon group on the message-read surface: the Report button (ExecuteFunction) unless the
 * integrated variant puts it in Outlook's Report section instead (a spam-reporting button cannot
 * open a task pane itself), and the feedback task pane.
 */
function readSurface(indent: string, pinning: boolean, reportButton = true): string {
  const i = indent;
  const report = `
${i}      <Control xsi:type="Button" id="baitwiseReport">
${i}        <Label resid="Report.Label"/>
${i}        <Supertip>
${i}          <Title resid="Report.Label"/>
${i}          <Description resid="Report.Tip"/>
${i}        </Supertip>
${i}        <Icon>
${icons(`${i}          `)}
${i}        </Icon>
${i}        <Action xsi:type="ExecuteFunction">
${i}          <FunctionName>${FUNCTIONS.classic}</FunctionName>
${i}        </Action>
${i}      </Control>`;
  return `${i}<ExtensionPoint xsi:type="MessageReadCommandSurface">
${i}  <OfficeTab id="TabDefault">
${i}    <Group id="baitwiseGroup">
${i}      <Label resid="Group.Label"/>${reportButton ? report : ''}
${i}      <Control xsi:type="Button" id="baitwiseFeedback">
${i}        <Label resid="Feedback.Label"/>
${i}        <Supertip>
${i}          <Title resid="Feedback.Label"/>
${i}          <Description resid="Feedback.Tip"/>
${i}        </Supertip>
${i}        <Icon>
${icons(`${i}          `)}
${i}        </Icon>
${i}        <Action xsi:type="ShowTaskpane">
${i}          <SourceLocation resid="Taskpane.Url"/>${pinning ? `\n${i}          <SupportsPinning>true</SupportsPinning>` : ''}
${i}        </Action>
${i}      </Control>
${i}    </Group>
${i}  </OfficeTab>
${i}</ExtensionPoint>`;
}

/** Integrated spam reporting: the button in Outlook's Report section and its pre-processing dialog. */
function reportPhishingSurface(indent: string, input: ManifestInput): string {
  const i = indent;
  const options = input.reportingOptions.length
    ? `
${i}      <ReportingOptions>
${i}        <Title resid="Options.Title"/>
${input.reportingOptions.map((_, n) => `${i}        <Option resid="Option${n + 1}.Label"/>`).join('\n')}
${i}      </ReportingOptions>`
    : '';
  const freeText = input.freeTextBox ? `\n${i}      <FreeTextLabel resid="FreeText.Label"/>` : '';
  return `${i}<ExtensionPoint xsi:type="ReportPhishingCommandSurface">
${i}  <ReportPhishingCustomization>
${i}    <Control xsi:type="Button" id="baitwiseSpamReport">
${i}      <Label resid="Report.Label"/>
${i}      <Supertip>
${i}        <Title resid="Report.Label"/>
${i}        <Description resid="Report.Tip"/>
${i}      </Supertip>
${i}      <Icon>
${icons(`${i}        `)}
${i}      </Icon>
${i}      <Action xsi:type="ExecuteFunction">
${i}        <FunctionName>${FUNCTIONS.integrated}</FunctionName>
${i}      </Action>
${i}    </Control>
${i}    <PreProcessingDialog>
${i}      <Title resid="Report.Label"/>
${i}      <Description resid="Dialog.Text"/>${options}${freeText}
${i}      <MoreInfo>
${i}        <MoreInfoText resid="MoreInfo.Text"/>
${i}        <MoreInfoUrl resid="Support.Url"/>
${i}      </MoreInfo>
${i}    </PreProcessingDialog>
${i}    <SourceLocation resid="Commands.Url"/>
${i}  </ReportPhishingCustomization>
${i}</ExtensionPoint>`;
}

function resources(indent: string, input: ManifestInput, urls: Urls, integrated: boolean): string {
  const i = indent;
  const short: [string, string][] = [
    ['Group.Label', GROUP_LABEL],
    ['Report.Label', input.buttonLabel],
    ['Feedback.Label', FEEDBACK_LABEL],
  ];
  const long: [string, string][] = [
    ['Report.Tip', REPORT_TIP],
    ['Feedback.Tip', FEEDBACK_TIP],
  ];
  const url: [string, string][] = [
    ['Commands.Url', urls.commands],
    ['Taskpane.Url', urls.taskpane],
  ];
  if (integrated) {
    url.push(['Script.Url', urls.script], ['Support.Url', urls.support]);
    short.push(['MoreInfo.Text', MORE_INFO_TEXT]);
    if (input.reportingOptions.length) {
      short.push(['Options.Title', OPTIONS_TITLE]);
      input.reportingOptions.forEach((o, n) => {
        short.push([`Option${n + 1}.Label`, o]);
      });
    }
    if (input.freeTextBox) short.push(['FreeText.Label', FREE_TEXT_LABEL]);
    long.push(['Dialog.Text', DIALOG_TEXT]);
  }
  const list = (tag: string, items: [string, string][]) =>
    items.map(([id, v]) => `${i}    <${tag} id="${id}" DefaultValue="${esc(v)}"/>`).join('\n');
  return `${i}<Resources>
${i}  <bt:Images>
${list(
  'bt:Image',
  BUTTON_ICONS.map((s) => [`Icon.${s}`, urls.icon(s)]),
)}
${i}  </bt:Images>
${i}  <bt:Urls>
${list('bt:Url', url)}
${i}  </bt:Urls>
${i}  <bt:ShortStrings>
${list('bt:String', short)}
${i}  </bt:ShortStrings>
${i}  <bt:LongStrings>
${list('bt:String', long)}
${i}  </bt:LongStrings>
${i}</Resources>`;
}

/** The nested VersionOverrides 1.1: pinning for the classic variant, integrated reporting for the other. */
function versionOverrides11(input: ManifestInput, urls: Urls): string {
  const integrated = input.variant === 'integrated';
  const i = '      ';
  // Mailbox 1.14 brings integrated spam reporting; an Outlook without it ignores this block and
  // uses the 1.0 block around it (the classic button), so nobody is left without a button.
  const requirements = integrated ? '1.14' : '1.3';
  const runtimes = integrated
    ? `
${i}    <Runtimes>
${i}      <Runtime resid="Commands.Url">
${i}        <Override type="javascript" resid="Script.Url"/>
${i}      </Runtime>
${i}    </Runtimes>`
    : '';
  const surfaces = integrated
    ? `${reportPhishingSurface(`${i}      `, input)}\n${readSurface(`${i}      `, true, false)}`
    : readSurface(`${i}      `, true);
  return `    <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1" xsi:type="VersionOverridesV1_1">
${i}<Requirements>
${i}  <bt:Sets DefaultMinVersion="${requirements}">
${i}    <bt:Set Name="Mailbox"/>
${i}  </bt:Sets>
${i}</Requirements>
${i}<Hosts>
${i}  <Host xsi:type="MailHost">${runtimes}
${i}    <DesktopFormFactor>
${i}      <FunctionFile resid="Commands.Url"/>
${surfaces}
${i}    </DesktopFormFactor>
${i}  </Host>
${i}</Hosts>
${resources(i, input, urls, integrated)}
    </VersionOverrides>`;
}

export function buildManifest(input: ManifestInput): string {
  const urls = urlsFor(input);
  const name = `${PROVIDER}: ${input.buttonLabel}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0" xmlns:mailappor="http://schemas.microsoft.com/office/mailappversionoverrides/1.0" xsi:type="MailApp">
  <Id>${esc(input.addinId)}</Id>
  <Version>${esc(input.version)}</Version>
  <ProviderName>${PROVIDER}</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="${esc(name)}"/>
  <Description DefaultValue="${esc(DESCRIPTION)}"/>
  <IconUrl DefaultValue="${esc(urls.icon(64))}"/>
  <HighResolutionIconUrl DefaultValue="${esc(urls.icon(128))}"/>
  <SupportUrl DefaultValue="${esc(urls.support)}"/>
  <AppDomains>
    <AppDomain>${esc(urls.origin)}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Mailbox"/>
  </Hosts>
  <Requirements>
    <Sets>
      <Set Name="Mailbox" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <FormSettings>
    <Form xsi:type="ItemRead">
      <DesktopSettings>
        <SourceLocation DefaultValue="${esc(urls.taskpane)}"/>
        <RequestedHeight>250</RequestedHeight>
      </DesktopSettings>
    </Form>
  </FormSettings>
  <Permissions>ReadWriteMailbox</Permissions>
  <Rule xsi:type="RuleCollection" Mode="Or">
    <Rule xsi:type="ItemIs" ItemType="Message" FormType="Read"/>
  </Rule>
  <DisableEntityHighlighting>false</DisableEntityHighlighting>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Requirements>
      <bt:Sets DefaultMinVersion="1.3">
        <bt:Set Name="Mailbox"/>
      </bt:Sets>
    </Requirements>
    <Hosts>
      <Host xsi:type="MailHost">
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url"/>
${readSurface('          ', false)}
        </DesktopFormFactor>
      </Host>
    </Hosts>
${resources('    ', { ...input, variant: 'classic' }, urls, false)}
${versionOverrides11(input, urls)}
  </VersionOverrides>
</OfficeApp>
`;
}
