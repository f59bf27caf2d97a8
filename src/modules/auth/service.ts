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
import { dummyHash, hashPassword, verifyPassword } from '../../lib/password.js';
import { SlidingWindowLimiter } from '../../lib/rate-limit.js';
import { csrfFor, randomSecret, sha256 } from '../../lib/tokens.js';
import { recordAudit } from '../audit/record.js';
import {
  countOperators,
  findOperatorByEmail,
  findOperatorById,
  insertOperator,
  updateOperator,
} from '../operators/repository.js';
import * as repo from './repository.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
const SETUP_TOKEN_HOURS = 24;

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
  ) {}

  async login(email: string, password: string, ip: string, userAgent: string | null): Promise<NewSession> {
    const wait = this.ipLimiter.hit(ip);
    if (wait > 0) throw new RateLimitedError(wait);
    const op = await findOperatorByEmail(this.db, email);
    if (!op || op.disabled_at) {
      await verifyPassword(password, await dummyHash()); // same cost as a real check
      throw new InvalidCredentialsError();
    }
    const now = Date.now();
    if (op.locked_until && Date.parse(op.locked_until) > now) {
      throw new AccountLockedError(Math.ceil((Date.parse(op.locked_until) - now) / 1000));
    }
    if (!(await verifyPassword(password, op.password_hash))) {
      const failures = op.failed_logins + 1;
      const lock = failures >= MAX_FAILED_LOGINS ? new Date(now + LOCKOUT_MINUTES * 60_000).toISOString() : null;
      await this.db.transaction().execute(async (trx) => {
        await repo.recordFailedLogin(trx, op, lock);
        if (lock) {
          await recordAudit(
            trx,
            { operatorId: op.id, email: op.email, ip },
            {
              clientId: null,
              action: 'operator.locked',
              targetType: 'operator',
              targetId: op.id,
              details: { failedAttempts: failures },
            },
          );
        }
      });
      if (lock) throw new AccountLockedError(LOCKOUT_MINUTES * 60);
      throw new InvalidCredentialsError();
    }
    return this.db.transaction().execute(async (trx) => {
      await repo.recordSuccessfulLogin(trx, op.id, nowIso());
      const session = await this.openSession(trx, op.id, ip, userAgent);
      await recordAudit(
        trx,
        { operatorId: op.id, email: op.email, ip },
        { clientId: null, action: 'session.login', targetType: 'operator', targetId: op.id },
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

  async changePassword(actor: Actor, current: string, next: string): Promise<void> {
    const op = await findOperatorById(this.db, actor.operatorId);
    if (!op || !(await verifyPassword(current, op.password_hash))) {
      throw new ValidationError('currentPassword', 'The current password is incorrect.');
    }
    if (current === next)
      throw new ValidationError('newPassword', 'The new password must differ from the current one.');
    const hash = await hashPassword(next);
    await this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      await updateOperator(trx, op.id, { password_hash: hash, password_changed_at: now, updated_at: now });
      // Anyone holding another session with the old password is signed out.
      await repo.revokeOperatorSessions(trx, op.id, now, actor.sessionId ?? undefined);
      await recordAudit(trx, actor, {
        clientId: null,
        action: 'operator.password_change',
        targetType: 'operator',
        targetId: op.id,
      });
    });
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
    const hash = await hashPassword(input.password);
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
        failed_logins: 0,
        locked_until: null,
        last_login_at: now,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(
        trx,
        { operatorId: id, email: input.email.toLowerCase(), ip },
        { clientId: null, action: 'operator.setup', targetType: 'operator', targetId: id },
      );
      return this.openSession(trx, id, ip, userAgent);
    });
  }
}
