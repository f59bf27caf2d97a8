// The only reader of process.env. Everything is parsed and validated once at start-up; a bad
// value stops the process with a message naming the variable. No secret has a default.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { defaultReaders } from './db/sqlite-readers.js';
import { defaultRenderThreads } from './modules/mail-delivery/render-pool.js';

export type DatabaseConfig =
  /** readers: threads with read-only connections for plain reads (0: none; default one per core, at most 2) */
  { kind: 'sqlite'; file: string; readers?: number } | { kind: 'postgres'; url: string; poolSize?: number };

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  /** base64 of 32 bytes; undefined → generated into dataDir/master.key */
  masterKey: string | undefined;
  admin: { email: string; password: string } | undefined;
  logLevel: string;
  /**
   * Fastify's trustProxy: false, the proxies' addresses/CIDRs, or (a number of proxies in front)
   * a function trusting that many hops. Never `true`: that believes any client's X-Forwarded-For.
   */
  trustProxy: false | string[] | TrustHops;
  sessionTtlHours: number;
  /** serve also runs the job worker (embedded default); false for API-only instances */
  runWorker: boolean;
  webDir: string;
  /** how long one directory-sync job works before it hands the rest of the run to a new job */
  syncSliceSeconds: number;
  /** how long one mail-dispatch job sends; the send timeout, lease and job expiry follow it */
  mailSliceSeconds: number;
  /** threads that render and write outgoing mail (modules/mail-delivery/render-pool.ts); 0: the event loop's thread */
  renderThreads: number;
  /** minutes between two readings of a client's reporting mailbox (modules/reporting-mailbox) */
  reportingMailboxIntervalMinutes: number;
  /** event-loop lag (ms) above which API requests other than sign-in get 503 + Retry-After (http/overload.ts); 0: never */
  overloadMaxLagMs: number;
  /** requests per second per actor and per client before 429 (http/fair-share.ts); 0: no limit */
  apiRate: { perActor: number; perClient: number };
  /** learner portal requests per minute, per source address and per learner link */
  learnerRate: { perAddress: number; perLink: number };
  /** the Office.js the add-in's pages load: Microsoft's CDN, or the emulator's in tests */
  officeJsUrl: string;
  /** reports accepted per minute from one reporter, and from all of one client's reporters */
  reportLimits: { perReporterPerMinute: number; perClientPerMinute: number };
  /** limits of an uploaded SCORM package (modules/training/scorm-zip.ts) */
  training: {
    /** the zip as uploaded */
    packageMaxBytes: number;
    packageMaxFiles: number;
    /** all files unpacked together (a zip bomb is refused before it is written) */
    packageMaxUnpackedBytes: number;
  };
  /** where a client's webhooks may point (modules/webhooks/destination.ts) */
  webhooks: {
    /** http:// URLs accepted (default: https only) */
    allowHttp: boolean;
    /** loopback, private and link-local destinations accepted (default: public addresses only) */
    allowPrivate: boolean;
  };
  microsoft: {
    authorityHost: string | undefined;
    graphEndpoint: string | undefined;
    /** Exchange Online SMTP submission for every cloud (the emulator's in development) */
    smtpEndpoint: { host: string; port: number } | undefined;
    /** a PEM CA to trust for that endpoint (the emulator's generated CA) */
    smtpCa: string | undefined;
  };
}

/** Trust the first `hops` hops (as proxy-addr does for a number, which Fastify's types do not take). */
export type TrustHops = ((address: string, hop: number) => boolean) & { hops: number };

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Microsoft's Office.js, which add-ins must load from this address (AppSource's rule too). */
export const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';
const MB = 1024 * 1024;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, 'must be true or false');
}

function hostPort(env: Env, name: string): { host: string; port: number } | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(raw);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port >= 1 && port <= 65535)) throw new ConfigError(name, 'must be host:port');
  return { host: m[1], port };
}

function pemFile(env: Env, name: string): string | undefined {
  const path = env[name];
  if (!path) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error();
    return pem;
  } catch {
    throw new ConfigError(name, 'must name a readable PEM certificate file');
  }
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, 'must be an http(s) URL');
  }
}

// proxy-addr's names for whole ranges (127.0.0.0/8 and ::1, 169.254.0.0/16 and fe80::/10, RFC 1918 and fc00::/7).
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function proxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [addr = '', bits, ...rest] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/**
 * Which peers may say, in X-Forwarded-For, whom they forward. `true` is refused rather than read
 * as one hop: it used to mean "believe everyone", and a deployment still relying on that should
 * stop and name its proxy, not silently get a different trust rule.
 */
function trustProxy(env: Env): false | string[] | TrustHops {
  const name = 'BAITWISE_TRUST_PROXY';
  const raw = env[name]?.trim() ?? '';
  const how =
    'must name the reverse proxy: its addresses or CIDRs, comma-separated (e.g. 10.0.0.5,192.168.0.0/24), or the number of proxies in front of Baitwise (e.g. 1)';
  if (raw === '' || ['false', 'no', 'off', '0'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError(name, `${how}; "true" would trust any client's X-Forwarded-For`);
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > 10) throw new ConfigError(name, `${how}; a number of proxies is from 1 to 10`);
    return Object.assign((_address: string, hop: number) => hop < hops, { hops });
  }
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !proxyAddress(e));
  if (bad !== undefined) throw new ConfigError(name, `${how}; "${bad}" is not an IP address or CIDR`);
  return entries;
}

/**
 * Connections of the PostgreSQL pool by default (BAITWISE_PG_POOL_SIZE), besides the two of
 * db/urgent.ts: two per core, at most ten. More connections than the cores can run only take turns
 * on them: with PostgreSQL on the same 2-core machine, ten connections answered a first page at
 * 483 requests/s and /auth/me under a flood of searches at p99 261 ms; four did 681/s and 86 ms
 * (bench:api). Where PostgreSQL runs on a machine of its own, its cores are the ones to count.
 */
export const PG_POOL_SIZE = Math.max(2, Math.min(10, 2 * availableParallelism()));

function database(env: Env, dataDir: string): DatabaseConfig {
  const raw = env.DATABASE_URL;
  if (raw?.startsWith('postgres://') || raw?.startsWith('postgresql://'))
    return { kind: 'postgres', url: raw, poolSize: int(env, 'BAITWISE_PG_POOL_SIZE', PG_POOL_SIZE, 1, 100) };
  const readers = int(env, 'BAITWISE_SQLITE_READERS', defaultReaders(), 0, 8);
  if (!raw) return { kind: 'sqlite', file: resolve(dataDir, 'baitwise.db'), readers };
  if (raw.startsWith('sqlite:')) return { kind: 'sqlite', file: resolve(raw.slice('sqlite:'.length)), readers };
  throw new ConfigError('DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const dataDir = resolve(env.BAITWISE_DATA_DIR || './data');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || 'localhost';
  const masterKey = env.BAITWISE_MASTER_KEY || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    throw new ConfigError('BAITWISE_MASTER_KEY', 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  const adminEmail = env.BAITWISE_ADMIN_EMAIL || undefined;
  const adminPassword = env.BAITWISE_ADMIN_PASSWORD || undefined;
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError('BAITWISE_ADMIN_EMAIL', 'and BAITWISE_ADMIN_PASSWORD must be set together');
  }
  const db = database(env, dataDir);
  return Object.freeze({
    host,
    port,
    publicUrl: url(env, 'BAITWISE_PUBLIC_URL') ?? `http://localhost:${port}`,
    dataDir,
    database: db,
    masterKey,
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: trustProxy(env),
    sessionTtlHours: int(env, 'BAITWISE_SESSION_TTL_HOURS', 12, 1, 24 * 30),
    runWorker: bool(env, 'BAITWISE_RUN_WORKER', true),
    webDir: resolve(env.BAITWISE_WEB_DIR || 'web/dist'),
    syncSliceSeconds: int(env, 'BAITWISE_SYNC_SLICE_SECONDS', 60, 2, 3600),
    mailSliceSeconds: int(env, 'BAITWISE_MAIL_SLICE_SECONDS', 30, 2, 3600),
    renderThreads: int(env, 'BAITWISE_RENDER_THREADS', defaultRenderThreads(), 0, 8),
    reportingMailboxIntervalMinutes: int(env, 'BAITWISE_REPORTING_MAILBOX_INTERVAL_MINUTES', 5, 1, 1440),
    overloadMaxLagMs: int(env, 'BAITWISE_OVERLOAD_MAX_LAG_MS', 1000, 0, 60_000),
    apiRate: {
      perActor: int(env, 'BAITWISE_API_RATE_PER_ACTOR', 50, 0, 1_000_000),
      perClient: int(env, 'BAITWISE_API_RATE_PER_CLIENT', 150, 0, 1_000_000),
    },
    learnerRate: {
      perAddress: int(env, 'BAITWISE_LEARNER_RATE_PER_ADDRESS', 1200, 1, 1_000_000),
      perLink: int(env, 'BAITWISE_LEARNER_RATE_PER_LINK', 120, 1, 1_000_000),
    },
    officeJsUrl: url(env, 'BAITWISE_OFFICE_JS_URL') ?? OFFICE_JS_CDN,
    reportLimits: {
      perReporterPerMinute: int(env, 'BAITWISE_REPORTS_PER_REPORTER_PER_MINUTE', 10, 1, 10_000),
      perClientPerMinute: int(env, 'BAITWISE_REPORTS_PER_CLIENT_PER_MINUTE', 6000, 1, 1_000_000),
    },
    training: {
      packageMaxBytes: int(env, 'BAITWISE_TRAINING_PACKAGE_MAX_MB', 200, 1, 4096) * MB,
      packageMaxFiles: int(env, 'BAITWISE_TRAINING_PACKAGE_MAX_FILES', 10_000, 1, 1_000_000),
      packageMaxUnpackedBytes: int(env, 'BAITWISE_TRAINING_PACKAGE_MAX_UNPACKED_MB', 1024, 1, 65_536) * MB,
    },
    webhooks: {
      allowHttp: bool(env, 'BAITWISE_ALLOW_HTTP_WEBHOOKS', false),
      allowPrivate: bool(env, 'BAITWISE_ALLOW_PRIVATE_WEBHOOKS', false),
    },
    microsoft: {
      authorityHost: url(env, 'MICROSOFT_AUTHORITY_HOST'),
      graphEndpoint: url(env, 'MICROSOFT_GRAPH_ENDPOINT'),
      smtpEndpoint: hostPort(env, 'MICROSOFT_SMTP_ENDPOINT'),
      smtpCa: pemFile(env, 'MICROSOFT_SMTP_CA_FILE'),
    },
  });
}
