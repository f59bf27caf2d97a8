// Where a webhook may point. A client administrator chooses the URL and Baitwise calls it from
// inside the installation's network, so by default only https to public addresses is allowed: a
// webhook must not become a way to reach internal services (server-side request forgery). The
// address is checked when the URL is saved (an IP literal, localhost) and again for every address
// the name resolves to at the moment of each connection (the lookup below), so a name that later
// resolves to a private address (DNS rebinding) is refused too.
// BAITWISE_ALLOW_HTTP_WEBHOOKS and BAITWISE_ALLOW_PRIVATE_WEBHOOKS lift either rule.
import { type LookupAddress, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { Config } from '../../config.js';
import { ValidationError } from '../../lib/errors.js';

export type WebhookPolicy = Config['webhooks'];

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 of an IPv4 address: checked as that address below
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** Loopback, private, link-local or otherwise not a public address. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, 'ipv6');
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** The URL as saved, or a 400 naming `field` with what is wrong. */
export function checkWebhookUrl(raw: string, policy: WebhookPolicy, field = 'url'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValidationError(field, 'Enter a full URL, e.g. https://siem.example.com/baitwise.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp))
    throw new ValidationError(
      field,
      policy.allowHttp
        ? 'A webhook URL must start with https:// or http://.'
        : 'A webhook URL must start with https:// (http is accepted only when BAITWISE_ALLOW_HTTP_WEBHOOKS is set).',
    );
  if (url.username || url.password)
    throw new ValidationError(field, 'A webhook URL must not hold credentials: Baitwise signs every request instead.');
  const host = hostOf(url).toLowerCase();
  if (
    !policy.allowPrivate &&
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))
  )
    throw new ValidationError(
      field,
      'A webhook must reach a public address: loopback, private and link-local addresses are refused (unless BAITWISE_ALLOW_PRIVATE_WEBHOOKS is set).',
    );
  url.hash = '';
  return url.toString();
}

export class DestinationRefusedError extends Error {
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or loopback address: refused`);
    this.name = 'DestinationRefusedError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup for http(s).request, refusing every private address unless the policy allows them. */
export function guardedLookup(policy: WebhookPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number }, cb: LookupCallback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const list = addresses as LookupAddress[];
      const bad = policy.allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return cb(new DestinationRefusedError(hostname, bad.address), []);
      const first = list[0];
      if (options.all) return cb(null, list);
      if (!first) return cb(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      return cb(null, first.address, first.family);
    });
  };
}

/** The same for a URL whose host is an IP literal (no lookup happens for those). */
export function checkLiteralHost(url: URL, policy: WebhookPolicy): void {
  const host = hostOf(url);
  if (!policy.allowPrivate && isIP(host) && isPrivateAddress(host)) throw new DestinationRefusedError(host, host);
}
