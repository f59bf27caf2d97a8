// State of the emulated Outlook on the web that the shared Store does not model: add-ins
// installed per tenant (centrally deployed, as an admin does in "Integrated apps"), one-time
// sign-in links made by the control API, and host capabilities a test may switch off (nested app
// authentication is missing in older Outlook builds and on Outlook.com accounts).
import type { Store } from '../model.js';
import type { AddinDefinition } from './manifest.js';

export interface InstalledAddin {
  tenantId: string;
  addin: AddinDefinition;
  manifestXml: string;
  installedAt: number;
}

export interface OutlookSettings {
  /** NestedAppAuth 1.1 supported and window.nestedAppAuthBridge present (default true) */
  nestedAppAuth: boolean;
}

export interface OutlookState {
  addins: Map<string, Map<string, InstalledAddin>>; // tenant id → add-in id → add-in
  tickets: Map<string, { userId: string; expiresAt: number }>;
  settings: OutlookSettings;
  /** Office.context.roamingSettings, saved per user and add-in in the mailbox: `${userId}|${addinId}` → values */
  roaming: Map<string, Record<string, unknown>>;
}

/** Exchange keeps at most 32 KB of roaming settings per add-in (office.js error 9057 beyond). */
export const ROAMING_SETTINGS_MAX_CHARS = 32 * 1024;

const states = new WeakMap<Store, OutlookState>();

export function outlookState(store: Store): OutlookState {
  let s = states.get(store);
  if (!s) {
    s = { addins: new Map(), tickets: new Map(), settings: { nestedAppAuth: true }, roaming: new Map() };
    states.set(store, s);
  }
  return s;
}

export function tenantAddins(store: Store, tenantId: string): InstalledAddin[] {
  return [...(outlookState(store).addins.get(tenantId)?.values() ?? [])];
}

/** Install or replace (same add-in id) for every user of the tenant. */
export function installAddin(store: Store, tenantId: string, addin: AddinDefinition, manifestXml: string): void {
  const s = outlookState(store);
  const map = s.addins.get(tenantId) ?? new Map<string, InstalledAddin>();
  map.set(addin.id, { tenantId, addin, manifestXml, installedAt: store.clock.now() });
  s.addins.set(tenantId, map);
}
