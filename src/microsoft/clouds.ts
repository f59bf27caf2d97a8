// Microsoft national clouds: each has its own login (authority) host and Graph endpoint.
// MICROSOFT_AUTHORITY_HOST / MICROSOFT_GRAPH_ENDPOINT / MICROSOFT_SMTP_ENDPOINT replace them for every cloud — that is
// how development and tests point Baitwise at the emulator.
import type { Config } from '../config.js';

export const CLOUDS = ['global', 'usgov', 'china'] as const;
export type Cloud = (typeof CLOUDS)[number];

interface CloudHosts {
  label: string;
  authorityHost: string;
  graphEndpoint: string;
  /** Exchange Online resource for SMTP AUTH XOAUTH2 */
  outlookResource: string;
  /** Exchange Online SMTP client submission (port 587, STARTTLS) */
  smtp: { host: string; port: number };
}

const HOSTS: Record<Cloud, CloudHosts> = {
  global: {
    label: 'Global (Azure public cloud)',
    authorityHost: 'https://login.microsoftonline.com',
    graphEndpoint: 'https://graph.microsoft.com',
    outlookResource: 'https://outlook.office.com',
    smtp: { host: 'smtp.office365.com', port: 587 },
  },
  usgov: {
    label: 'US Government (GCC High / DoD)',
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://graph.microsoft.us',
    outlookResource: 'https://outlook.office365.us',
    smtp: { host: 'smtp.office365.us', port: 587 },
  },
  china: {
    label: 'China (operated by 21Vianet)',
    authorityHost: 'https://login.chinacloudapi.cn',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
    outlookResource: 'https://partner.outlook.cn',
    smtp: { host: 'smtp.partner.outlook.cn', port: 587 },
  },
};

export interface CloudEndpoints extends CloudHosts {
  cloud: Cloud;
}

export function cloudEndpoints(cloud: Cloud, config: Pick<Config, 'microsoft'>): CloudEndpoints {
  const base = HOSTS[cloud];
  return {
    cloud,
    ...base,
    authorityHost: config.microsoft.authorityHost ?? base.authorityHost,
    graphEndpoint: config.microsoft.graphEndpoint ?? base.graphEndpoint,
    smtp: config.microsoft.smtpEndpoint ?? base.smtp,
  };
}

export const cloudLabels = (): { value: Cloud; label: string }[] =>
  CLOUDS.map((c) => ({ value: c, label: HOSTS[c].label }));
