// The Azure applications module: its routes, and the purge of expired authorize requests (each
// holds an encrypted PKCE verifier that is dead once the request expired — ten minutes — and that
// a master-key rotation would otherwise re-wrap forever).
import type { Db } from '../../db/connection.js';
import type { Schedule } from '../../jobs/definition.js';
import { nowIso } from '../../lib/ids.js';
import type { Module } from '../module.js';
import { purgeOauthRequests } from './repository.js';
import { type AzureServices, azureAppRoutes } from './routes.js';

/** Expired authorize requests are worthless: a callback for one is refused like an unknown one. */
export const purgeExpiredOauthRequests = (db: Db, now = nowIso()): Promise<number> => purgeOauthRequests(db, now);

export const oauthRequestsPurge = (db: Db): Schedule => ({
  name: 'azure-apps.purge-oauth-requests',
  everyMs: 10 * 60_000,
  firstAfterMs: 5_000,
  run: () => purgeExpiredOauthRequests(db),
});

export const azureAppsModule = (azure: AzureServices, db: Db): Module => ({
  name: 'azure-apps',
  routes: azureAppRoutes(azure),
  schedules: [oauthRequestsPurge(db)],
});
