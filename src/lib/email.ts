// Email addresses, one rule for every way one arrives (API bodies through Ajv's "email" format,
// CSV rows, Entra's `mail`, a reported message's sender), including internationalised ones:
// RFC 6531 (SMTPUTF8) local parts such as `jürgen.müller` and IDN domains such as `müller.de`.
//
// Decisions (docs/email-addresses.md says why):
// - An address is stored as written, in Unicode NFC (the same letters typed on a Mac and on
//   Windows are then the same text).
// - One address is one key: NFC, lower-cased, the domain in its Unicode form (U-labels). So
//   `Zoë@Müller.de`, `zoe\u0308@MÜLLER.DE` and `zoë@xn--mller-kva.de` are the same recipient.
// - Accepted: the dot-atom local part of RFC 5322 with the letters, marks and digits of any
//   script added (RFC 6531 allows any non-ASCII character; symbols, spaces, invisible and
//   direction-changing characters are refused, as they let one address pass for another);
//   at most 64 octets before the `@` (RFC 5321); a domain that IDNA (UTS #46) maps to host-name
//   labels with a dot; at most 254 characters in all. Quoted local parts and address literals
//   are refused, as before.
import { domainToASCII, domainToUnicode } from 'node:url';

export const EMAIL_MAX = 254;
const LOCAL_MAX_OCTETS = 64;
const DOMAIN_MAX_OCTETS = 253;

const ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~\p{L}\p{M}\p{Nd}-]+$/iu;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The two halves at the last `@` (a valid local part has none), trimmed and in NFC. */
function split(address: string): { local: string; domain: string } | null {
  const s = address.trim().normalize('NFC');
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  return { local: s.slice(0, at), domain: s.slice(at + 1) };
}

/** The domain's ASCII (A-label) form, or null when IDNA refuses it or it is not a host name. */
function asciiDomain(domain: string): string | null {
  // domainToASCII reads a string the way a URL's host is read; these would be cut or mean
  // something else there, and are never part of a domain.
  if (/[\s/\\?#@:[\]%]/u.test(domain)) return null;
  const ascii = domainToASCII(domain);
  if (!ascii || ascii.length > DOMAIN_MAX_OCTETS) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // An A-label must decode: `xn--zz` is not the spelling of any name.
  for (const l of labels) if (l.startsWith('xn--') && domainToUnicode(l) === '') return null;
  return ascii;
}

export function isValidEmail(address: string): boolean {
  if (address.length > EMAIL_MAX) return false;
  const parts = split(address);
  if (!parts) return false;
  const { local, domain } = parts;
  if (Buffer.byteLength(local, 'utf8') > LOCAL_MAX_OCTETS) return false;
  if (!local.split('.').every((atom) => ATOM.test(atom))) return false;
  return asciiDomain(domain) !== null;
}

/** The address as stored and shown: trimmed, in NFC, otherwise as written. */
export const normaliseEmail = (address: string): string => address.trim().normalize('NFC');

/**
 * The key one address is found by, whatever its letter case, Unicode form or domain spelling.
 * Text that is not a valid address (an Entra `mail` is not checked) still gets a key: lower-cased NFC.
 */
export function emailKey(address: string): string {
  const parts = split(address);
  if (!parts) return normaliseEmail(address).toLowerCase();
  const ascii = asciiDomain(parts.domain);
  const domain = ascii ? domainToUnicode(ascii) : parts.domain.toLowerCase();
  return `${parts.local.toLowerCase()}@${domain}`;
}

/** Whether sending to or from this address needs SMTPUTF8: a non-ASCII local part (an IDN domain alone has its A-label). */
export const needsSmtpUtf8 = (address: string): boolean => /[^\u0020-\u007e]/u.test(split(address)?.local ?? address);
