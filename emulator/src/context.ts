// What every part of the emulator is handed: the shared state, the signing key and the URLs it
// is reachable at. Modules never import each other's internals; they meet here.
import type { Store } from './model.js';
import type { TokenSigner } from './tokens.js';

export interface EmulatorUrls {
  /** Authority host, what Baitwise sets as its Microsoft login host: `${authority}/${tenant}/oauth2/v2.0/authorize` */
  authority: string;
  /** Graph endpoint (without version): `${graph}/v1.0/users` */
  graph: string;
  /** Control API base: `${control}/tenants` */
  control: string;
  smtp: { host: string; port: number };
  /** PEM of the CA that signed the SMTP server's STARTTLS certificate (also at GET /_emulator/ca.pem) */
  caPem: string;
}

export interface EmulatorContext {
  store: Store;
  signer: TokenSigner;
  urls: EmulatorUrls;
  /** issuer of id_tokens and the value in discovery documents, per tenant GUID */
  issuer(tenantId: string): string;
  /** emulated Outlook on the web: accept add-in manifests with http://127.0.0.1 URLs (tests only) */
  outlook?: { allowHttpLoopback: boolean };
}
