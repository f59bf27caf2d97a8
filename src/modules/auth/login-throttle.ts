// Sign-in lockout, per account and source address. Five failures from one source lock that
// source out of that account for 15 minutes. The lock decays: a failure more than 15 minutes
// after the previous one starts a new count, and so does the first failure after a lock expires,
// so no trickle of wrong passwords keeps an account locked for good. And because a lock binds
// only the source that caused it (IPv6: its /64, which one subscriber usually holds whole), no
// one elsewhere can lock an operator out of their own address; recovery needs neither the CLI
// nor an administrator (a password reset clears every lock of the account all the same).
//
// Addresses are tracked whether or not an operator has them, under a hash of the address's key
// (lower case, NFC, the domain in Unicode), so an unknown address fails, locks and answers
// exactly like an existing account.
// Rows die 15 minutes after their last failure and are pruned with each new failure.
import { isIPv4, isIPv6 } from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { emailKey } from '../../lib/email.js';
import { sha256 } from '../../lib/tokens.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
const PERIOD_MS = LOCKOUT_MINUTES * 60_000;

export interface LoginKey {
  key: string;
  account: string;
}

// The address's key (lib/email.ts), as sign-in finds the operator by: every spelling that signs
// in to one account counts against that one account's lock.
const accountOf = (email: string): string => sha256(`login:${emailKey(email)}`);

/** The unit a lock binds: an IPv4 address, or an IPv6 address's /64 network. */
export function sourceOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function loginKey(email: string, ip: string): LoginKey {
  const account = accountOf(email);
  return { account, key: sha256(`${account}|${sourceOf(ip)}`) };
}

/** When the lock on this (account, source) ends, or null when there is none. */
export async function lockedUntil(db: Db, k: LoginKey, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('login_failures')
    .select('locked_until')
    .where('key', '=', k.key)
    .where('locked_until', '>', now.toISOString())
    .executeTakeFirst();
  return row?.locked_until ? new Date(row.locked_until) : null;
}

/** Counts a failure; returns the lock's end when this failure locks the source out. */
export async function recordLoginFailure(db: Db, k: LoginKey, now: Date): Promise<Date | null> {
  const at = now.toISOString();
  const periodAgo = new Date(now.getTime() - PERIOD_MS).toISOString();
  await db.deleteFrom('login_failures').where('last_failure_at', '<=', periodAgo).execute();
  // One statement, so that concurrent failures are all counted.
  const stale = sql<boolean>`(login_failures.last_failure_at <= ${periodAgo} or (login_failures.locked_until is not null and login_failures.locked_until <= ${at}))`;
  const row = await db
    .insertInto('login_failures')
    .values({ key: k.key, account: k.account, failures: 1, last_failure_at: at, locked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when ${stale} then 1 else login_failures.failures + 1 end`,
        last_failure_at: at,
        locked_until: sql`case when ${stale} then null else login_failures.locked_until end`,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
  if (row.failures < MAX_FAILED_LOGINS || row.locked_until) return null;
  const until = new Date(now.getTime() + PERIOD_MS);
  await db.updateTable('login_failures').set({ locked_until: until.toISOString() }).where('key', '=', k.key).execute();
  return until;
}

/** A successful sign-in forgets the source's failures. */
export async function clearLoginFailure(db: Db, k: LoginKey): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', k.key).execute();
}

/** A new password lifts every lock of the account, from every source. */
export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('login_failures').where('account', '=', accountOf(email)).execute();
}
