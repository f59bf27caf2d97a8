// Sign-in, sessions, first-run setup and password changes.
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import {
  AccountLockedError,
  ConflictError,
  InvalidCredentialsError,
  RateLimitedError,
  ValidationError,
} from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { PasswordHasher } from '../../lib/password.js';
import { SlidingWindowLimiter } from '../../lib/rate-limit.js';
import { csrfFor, randomSecret, sha256 } from '../../lib/tokens.js';
import { revokeAllTokensOf } from '../api-tokens/repository.js';
import { recordAudit } from '../audit/record.js';
import {
  countOperators,
  findOperatorByEmail,
  findOperatorById,
  insertOperator,
  updateOperator,
} from '../operators/repository.js';
import type { Revoked } from '../operators/service.js';
import {
  clearLoginFailure,
  LOCKOUT_MINUTES,
  lockedUntil,
  loginKey,
  MAX_FAILED_LOGINS,
  recordLoginFailure,
  sourceOf,
} from './login-throttle.js';
import * as repo from './repository.js';

const SETUP_TOKEN_HOURS = 24;

/** Why a sign-in was refused, as the audit log records it (the person is told the same for all). */
type FailedSignIn = 'unknown_account' | 'wrong_password' | 'account_disabled' | 'locked';

export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
  operatorId: string;
}

export class AuthService {
  // 20 attempts per 5 minutes per IP, whatever the account: slows password spraying.
  private readonly ipLimiter = new SlidingWindowLimiter(20, 5 * 60_000);

  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'sessionTtlHours'>,
    private readonly passwords: PasswordHasher,
  ) {}

  async login(email: string, password: string, ip: string, userAgent: string | null): Promise<NewSession> {
    // Per source network (an IPv6 /64 is one source), as the lockout counts them.
    const wait = this.ipLimiter.hit(sourceOf(ip));
    if (wait > 0) throw new RateLimitedError(wait);
    const now = new Date();
    const key = loginKey(email, ip);
    const op = await findOperatorByEmail(this.db, email);
    const account = op && !op.disabled_at ? op : undefined;
    // The password is checked whatever happens next (against a dummy hash when there is no
    // account), so neither a lock nor an unknown address answers sooner than a wrong password.
    const ok = await this.passwords.verify(password, account?.password_hash ?? (await this.passwords.dummy()));
    // The lock is read after the (slow) check, so a burst of guesses that all started before
    // the lock was set cannot get through once it is.
    const locked = await lockedUntil(this.db, key, now);
    // Every refusal is on record for the security team (the answer stays the same for all):
    // the address tried, the source and why. Never the password, right or wrong.
    const source = { ip, userAgent };
    const failed = (reason: FailedSignIn, db: Db = this.db) =>
      recordAudit(db, source, {
        clientId: null,
        action: 'session.login_failed',
        // An address no operator has is not an operator: its own type, so nobody reads it as one.
        targetType: op ? 'operator' : 'unknown_account',
        targetId: op?.id,
        targetName: email.trim(),
        details: { reason },
      });
    if (locked) {
      await failed('locked');
      throw new AccountLockedError(Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 1000)));
    }
    if (!account || !ok) {
      const lock = await this.db.transaction().execute(async (trx) => {
        const until = await recordLoginFailure(trx, key, now);
        await failed(!op ? 'unknown_account' : op.disabled_at ? 'account_disabled' : 'wrong_password', trx);
        if (until && account) {
          await recordAudit(trx, source, {
            clientId: null,
            action: 'operator.locked',
            targetType: 'operator',
            targetId: account.id,
            details: { failedAttempts: MAX_FAILED_LOGINS, lockedUntil: until.toISOString() },
          });
        }
        return until;
      });
      if (lock) throw new AccountLockedError(LOCKOUT_MINUTES * 60);
      throw new InvalidCredentialsError();
    }
    return this.db.transaction().execute(async (trx) => {
      await clearLoginFailure(trx, key);
      await repo.recordSuccessfulLogin(trx, account.id, nowIso());
      const session = await this.openSession(trx, account.id, ip, userAgent);
      await recordAudit(
        trx,
        { operatorId: account.id, email: account.email, ip, userAgent },
        { clientId: null, action: 'session.login', targetType: 'operator', targetId: account.id },
      );
      return session;
    });
  }

  async openSession(db: Db, operatorId: string, ip: string | null, userAgent: string | null): Promise<NewSession> {
    const cookieValue = randomSecret();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlHours * 3600_000);
    await repo.insertSession(db, {
      id: sha256(cookieValue),
      operatorId,
      now: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      ip,
      userAgent: userAgent?.slice(0, 400) ?? null,
    });
    return { cookieValue, csrfToken: csrfFor(cookieValue), expiresAt, operatorId };
  }

  async logout(actor: Actor): Promise<void> {
    if (!actor.sessionId) return;
    const sessionId = actor.sessionId;
    await this.db.transaction().execute(async (trx) => {
      await repo.revokeSession(trx, sessionId, nowIso());
      await recordAudit(trx, actor, {
        clientId: null,
        action: 'session.logout',
        targetType: 'operator',
        targetId: actor.operatorId,
      });
    });
  }

  /** Signs out the operator's other sessions and revokes their API tokens (see resetPassword). */
  async changePassword(actor: Actor, current: string, next: string): Promise<Revoked> {
    const op = await findOperatorById(this.db, actor.operatorId);
    if (!op || !(await this.passwords.verify(current, op.password_hash))) {
      // A signed-in session that cannot give its own password may be in someone else's hands.
      await recordAudit(this.db, actor, {
        clientId: null,
        action: 'operator.password_change_failed',
        targetType: 'operator',
        targetId: actor.operatorId,
        details: { reason: 'wrong_current_password' },
      });
      throw new ValidationError('currentPassword', 'The current password is incorrect.');
    }
    if (current === next)
      throw new ValidationError('newPassword', 'The new password must differ from the current one.');
    const hash = await this.passwords.hash(next);
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      await updateOperator(trx, op.id, { password_hash: hash, password_changed_at: now, updated_at: now });
      // Anyone holding another session or a token made with the old password loses it.
      const revoked = {
        revokedSessions: await repo.revokeOperatorSessions(trx, op.id, now, actor.sessionId ?? undefined),
        revokedApiTokens: await revokeAllTokensOf(trx, op.id, now),
      };
      await recordAudit(trx, actor, {
        clientId: null,
        action: 'operator.password_change',
        targetType: 'operator',
        targetId: op.id,
        details: { ...revoked },
      });
      return revoked;
    });
  }

  /** The operator's sign-in before this session (null: this is their first), for the console's greeting. */
  previousSignIn(operatorId: string, sessionId: string | null): Promise<string | null> {
    return repo.previousSignInAt(this.db, operatorId, sessionId);
  }

  async setupRequired(): Promise<boolean> {
    return (await countOperators(this.db)) === 0;
  }

  /** A one-time link for creating the first system administrator; the token is stored hashed. */
  async createSetupToken(): Promise<string> {
    const token = randomSecret();
    const now = new Date();
    await repo.insertSetupToken(
      this.db,
      sha256(token),
      now.toISOString(),
      new Date(now.getTime() + SETUP_TOKEN_HOURS * 3600_000).toISOString(),
    );
    return token;
  }

  async completeSetup(
    token: string,
    input: { email: string; name: string; password: string },
    ip: string,
    userAgent: string | null,
  ): Promise<NewSession> {
    const hash = await this.passwords.hash(input.password);
    return this.db.transaction().execute(async (trx) => {
      if ((await countOperators(trx)) > 0)
        throw new ConflictError('token', 'Baitwise is already set up. Sign in instead.');
      if (!(await repo.consumeSetupToken(trx, sha256(token), nowIso()))) {
        throw new ValidationError(
          'token',
          'The setup link is invalid, used or expired. Restart Baitwise for a new one.',
        );
      }
      const id = newId();
      const now = nowIso();
      await insertOperator(trx, {
        id,
        email: input.email.toLowerCase(),
        name: input.name.trim(),
        role: 'system_admin',
        password_hash: hash,
        disabled_at: null,
        last_login_at: now,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(
        trx,
        { operatorId: id, email: input.email.toLowerCase(), ip, userAgent },
        { clientId: null, action: 'operator.setup', targetType: 'operator', targetId: id },
      );
      return this.openSession(trx, id, ip, userAgent);
    });
  }
}
