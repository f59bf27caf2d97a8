// Manifests for the emulator's own tests, shaped like Microsoft's samples and Baitwise's two
// variants (classic read-surface buttons; integrated spam reporting in a nested VersionOverrides
// 1.1) without importing Baitwise: the emulator stays independent of src/.

export interface FixtureOptions {
  id?: string;
  base: string; // origin (and path) of the add-in's pages
  variant: 'classic' | 'integrated';
  options?: string[];
  freeText?: boolean;
}

const resources = (o: FixtureOptions, integrated: boolean) => `
      <Resources>
        <bt:Images>
          <bt:Image id="Icon.16" DefaultValue="${o.base}/icon-16.png"/>
          <bt:Image id="Icon.32" DefaultValue="${o.base}/icon-32.png"/>
        </bt:Images>
        <bt:Urls>
          <bt:Url id="Commands.Url" DefaultValue="${o.base}/commands.html"/>
          <bt:Url id="Taskpane.Url" DefaultValue="${o.base}/taskpane.html"/>
          <bt:Url id="Support.Url" DefaultValue="${o.base}/support.html"/>
        </bt:Urls>
        <bt:ShortStrings>
          <bt:String id="Group.Label" DefaultValue="Security"/>
          <bt:String id="Report.Label" DefaultValue="Report phishing"/>
          <bt:String id="Feedback.Label" DefaultValue="Report status"/>${
            integrated
              ? `
          <bt:String id="Options.Title" DefaultValue="Why are you reporting this message?"/>
${(o.options ?? []).map((t, n) => `          <bt:String id="Option${n + 1}.Label" DefaultValue="${t}"/>`).join('\n')}
          <bt:String id="FreeText.Label" DefaultValue="Anything else?"/>
          <bt:String id="MoreInfo.Text" DefaultValue="How reporting works"/>`
              : ''
          }
        </bt:ShortStrings>
        <bt:LongStrings>
          <bt:String id="Report.Tip" DefaultValue="Report this message to your security team."/>
          <bt:String id="Dialog.Text" DefaultValue="Your security team reviews every reported message."/>
        </bt:LongStrings>
      </Resources>`;

const button = (id: string, label: string, action: string) => `
              <Control xsi:type="Button" id="${id}">
                <Label resid="${label}"/>
                <Supertip><Title resid="${label}"/><Description resid="Report.Tip"/></Supertip>
                <Icon><bt:Image size="16" resid="Icon.16"/><bt:Image size="32" resid="Icon.32"/></Icon>
                ${action}
              </Control>`;

const readSurface = (report: boolean) => `
          <ExtensionPoint xsi:type="MessageReadCommandSurface">
            <OfficeTab id="TabDefault">
              <Group id="grp">
                <Label resid="Group.Label"/>${
                  report
                    ? button(
                        'reportButton',
                        'Report.Label',
                        '<Action xsi:type="ExecuteFunction"><FunctionName>reportMessage</FunctionName></Action>',
                      )
                    : ''
                }${button(
                  'feedbackButton',
                  'Feedback.Label',
                  '<Action xsi:type="ShowTaskpane"><SourceLocation resid="Taskpane.Url"/></Action>',
                )}
              </Group>
            </OfficeTab>
          </ExtensionPoint>`;

const spamSurface = (o: FixtureOptions) => `
          <ExtensionPoint xsi:type="ReportPhishingCommandSurface">
            <ReportPhishingCustomization>${button(
              'spamButton',
              'Report.Label',
              '<Action xsi:type="ExecuteFunction"><FunctionName>onSpamReport</FunctionName></Action>',
            )}
              <PreProcessingDialog>
                <Title resid="Report.Label"/>
                <Description resid="Dialog.Text"/>${
                  o.options?.length
                    ? `
                <ReportingOptions>
                  <Title resid="Options.Title"/>
${o.options.map((_, n) => `                  <Option resid="Option${n + 1}.Label"/>`).join('\n')}
                </ReportingOptions>`
                    : ''
                }${o.freeText ? '\n                <FreeTextLabel resid="FreeText.Label"/>' : ''}
                <MoreInfo><MoreInfoText resid="MoreInfo.Text"/><MoreInfoUrl resid="Support.Url"/></MoreInfo>
              </PreProcessingDialog>
              <SourceLocation resid="Commands.Url"/>
            </ReportPhishingCustomization>
          </ExtensionPoint>`;

export function fixtureManifest(o: FixtureOptions): string {
  const integrated = o.variant === 'integrated';
  return `<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0" xsi:type="MailApp">
  <Id>${o.id ?? '6f1c2a9e-4b7d-4c3e-9a51-0d2e8f7b6c11'}</Id>
  <Version>1.0.0.0</Version>
  <ProviderName>Emulator tests</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="Report add-in"/>
  <Description DefaultValue="Reports suspicious messages."/>
  <IconUrl DefaultValue="${o.base}/icon-64.png"/>
  <HighResolutionIconUrl DefaultValue="${o.base}/icon-128.png"/>
  <SupportUrl DefaultValue="${o.base}/support.html"/>
  <AppDomains><AppDomain>${new URL(o.base).origin}</AppDomain></AppDomains>
  <Hosts><Host Name="Mailbox"/></Hosts>
  <Requirements><Sets><Set Name="Mailbox" MinVersion="1.1"/></Sets></Requirements>
  <FormSettings>
    <Form xsi:type="ItemRead"><DesktopSettings><SourceLocation DefaultValue="${o.base}/taskpane.html"/><RequestedHeight>250</RequestedHeight></DesktopSettings></Form>
  </FormSettings>
  <Permissions>ReadWriteMailbox</Permissions>
  <Rule xsi:type="RuleCollection" Mode="Or"><Rule xsi:type="ItemIs" ItemType="Message" FormType="Read"/></Rule>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Requirements><bt:Sets DefaultMinVersion="1.3"><bt:Set Name="Mailbox"/></bt:Sets></Requirements>
    <Hosts>
      <Host xsi:type="MailHost">
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url"/>${readSurface(true)}
        </DesktopFormFactor>
      </Host>
    </Hosts>${resources(o, false)}
    <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1" xsi:type="VersionOverridesV1_1">
      <Requirements><bt:Sets DefaultMinVersion="${integrated ? '1.14' : '1.3'}"><bt:Set Name="Mailbox"/></bt:Sets></Requirements>
      <Hosts>
        <Host xsi:type="MailHost">
          <DesktopFormFactor>
            <FunctionFile resid="Commands.Url"/>${integrated ? spamSurface(o) : ''}${readSurface(!integrated)}
          </DesktopFormFactor>
        </Host>
      </Hosts>${resources(o, integrated)}
    </VersionOverrides>
  </VersionOverrides>
</OfficeApp>
`;
}
