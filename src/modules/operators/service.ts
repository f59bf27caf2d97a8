// Operator administration (system administrators only) and the first administrator at start-up.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { PasswordHasher } from '../../lib/password.js';
import { findLiveTokenOf, listOwnTokens, revokeAllTokensOf, revokeOwnToken } from '../api-tokens/repository.js';
import { tokenView } from '../api-tokens/view.js';
import { recordAudit } from '../audit/record.js';
import { clearLoginFailures } from '../auth/login-throttle.js';
import { revokeOperatorSessions } from '../auth/repository.js';
import * as repo from './repository.js';
import { operatorView } from './view.js';

type Role = 'system_admin' | 'client_admin';

/** What a password reset or change signed out: everything that was opened with the old password. */
export interface Revoked {
  revokedSessions: number;
  revokedApiTokens: number;
}

export interface CreateOperatorInput {
  email: string;
  name: string;
  role: Role;
  password: string;
  clientIds: string[];
}

export interface UpdateOperatorInput {
  name?: string;
  role?: Role;
  clientIds?: string[];
  disabled?: boolean;
}

async function assertClientsExist(db: Db, clientIds: string[]): Promise<void> {
  if (clientIds.length === 0) return;
  const found = await db.selectFrom('clients').select('id').where('id', 'in', clientIds).execute();
  const have = new Set(found.map((r) => r.id));
  const i = clientIds.findIndex((id) => !have.has(id));
  if (i >= 0) throw new ValidationError(`clientIds.${i}`, `Client ${clientIds[i]} does not exist.`);
}

/**
 * One entry per client an operator gained or lost, recorded under that client: its own
 * administrators see who was let in or taken out (the client.admin_assign of a client's page).
 */
async function recordAssignments(
  db: Db,
  actor: Actor | null,
  op: { id: string; email: string },
  before: string[],
  after: string[],
): Promise<void> {
  const entry = (clientId: string, action: string) =>
    recordAudit(db, actor, { clientId, action, targetType: 'operator', targetId: op.id, details: { email: op.email } });
  for (const clientId of before) if (!after.includes(clientId)) await entry(clientId, 'client.admin_unassign');
  for (const clientId of after) if (!before.includes(clientId)) await entry(clientId, 'client.admin_assign');
}

export class OperatorService {
  constructor(
    private readonly db: Db,
    private readonly passwords: PasswordHasher,
  ) {}

  async list() {
    const ops = await repo.listOperators(this.db);
    const ids = await repo.clientIdsOf(
      this.db,
      ops.map((o) => o.id),
    );
    return ops.map((o) => operatorView(o, ids.get(o.id) ?? []));
  }

  async get(id: string) {
    const op = await repo.findOperatorWithClientIds(this.db, id);
    if (!op) throw new NotFoundError('Operator');
    const { client_ids, ...operator } = op;
    return operatorView(operator, repo.parseClientIds(client_ids));
  }

  async create(actor: Actor | null, input: CreateOperatorInput) {
    const clientIds = [...new Set(input.clientIds)];
    if (input.role === 'system_admin' && clientIds.length > 0) {
      throw new ValidationError(
        'clientIds',
        'System administrators see every client; assign clients only to client administrators.',
      );
    }
    const hash = await this.passwords.hash(input.password);
    const id = newId();
    await this.db.transaction().execute(async (trx) => {
      if (await repo.findOperatorByEmail(trx, input.email)) {
        throw new ConflictError('email', 'An operator with this email address already exists.');
      }
      await assertClientsExist(trx, clientIds);
      const now = nowIso();
      await repo.insertOperator(trx, {
        id,
        email: input.email.toLowerCase(),
        name: input.name.trim(),
        role: input.role,
        password_hash: hash,
        disabled_at: null,
        last_login_at: null,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      await repo.setAssignments(trx, id, clientIds, now);
      await recordAudit(trx, actor, {
        clientId: null,
        action: 'operator.create',
        targetType: 'operator',
        targetId: id,
        details: { email: input.email.toLowerCase(), role: input.role, clientIds },
      });
      await recordAssignments(trx, actor, { id, email: input.email.toLowerCase() }, [], clientIds);
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, input: UpdateOperatorInput) {
    await this.db.transaction().execute(async (trx) => {
      const op = await repo.findOperatorById(trx, id);
      if (!op) throw new NotFoundError('Operator');
      if (id === actor.operatorId && (input.disabled === true || input.role === 'client_admin')) {
        throw new ValidationError(input.disabled ? 'disabled' : 'role', 'You cannot disable or demote yourself.');
      }
      const role = input.role ?? op.role;
      const now = nowIso();
      const before = (await repo.clientIdsOf(trx, [id])).get(id) ?? [];
      let after = before;
      if (input.clientIds !== undefined || input.role === 'system_admin') {
        const clientIds = role === 'system_admin' ? [] : [...new Set(input.clientIds ?? [])];
        if (role === 'system_admin' && (input.clientIds?.length ?? 0) > 0) {
          throw new ValidationError(
            'clientIds',
            'System administrators see every client; assign clients only to client administrators.',
          );
        }
        await assertClientsExist(trx, clientIds);
        await repo.setAssignments(trx, id, clientIds, now);
        after = clientIds;
      }
      const disabledAt =
        input.disabled === undefined ? op.disabled_at : input.disabled ? (op.disabled_at ?? now) : null;
      const name = input.name?.trim() ?? op.name;
      await repo.updateOperator(trx, id, { name, role, disabled_at: disabledAt, updated_at: now });
      // Each permission change is an entry of its own, in its own words, so that "who made X a
      // system administrator" or "who let Y into client Z" is one filter away.
      const target = { clientId: null, targetType: 'operator', targetId: id };
      if (role !== op.role) {
        await recordAudit(trx, actor, {
          ...target,
          action: 'operator.role_change',
          details: { from: op.role, to: role },
        });
      }
      await recordAssignments(trx, actor, op, before, after);
      if (input.disabled === true && !op.disabled_at) {
        const revoked = {
          revokedSessions: await revokeOperatorSessions(trx, id, now),
          revokedApiTokens: await revokeAllTokensOf(trx, id, now),
        };
        await recordAudit(trx, actor, { ...target, action: 'operator.disable', details: revoked });
      }
      if (input.disabled === false && op.disabled_at) {
        await recordAudit(trx, actor, { ...target, action: 'operator.enable' });
      }
      if (name !== op.name) {
        await recordAudit(trx, actor, { ...target, action: 'operator.rename', details: { from: op.name, to: name } });
      }
    });
    return this.get(id);
  }

  /**
   * A new password signs the operator out everywhere and revokes their API tokens: whoever knew
   * the old password may have made a token with it, and a token must not outlive the reset.
   */
  async resetPassword(actor: Actor | null, id: string, password: string): Promise<Revoked> {
    const hash = await this.passwords.hash(password);
    return this.db.transaction().execute(async (trx) => {
      const op = await repo.findOperatorById(trx, id);
      if (!op) throw new NotFoundError('Operator');
      const now = nowIso();
      await repo.updateOperator(trx, id, {
        password_hash: hash,
        password_changed_at: now,
        updated_at: now,
      });
      const revoked = {
        revokedSessions: await revokeOperatorSessions(trx, id, now),
        revokedApiTokens: await revokeAllTokensOf(trx, id, now),
      };
      await clearLoginFailures(trx, op.email);
      await recordAudit(trx, actor, {
        clientId: null,
        action: 'operator.password_reset',
        targetType: 'operator',
        targetId: id,
        details: { ...revoked },
      });
      return revoked;
    });
  }

  /** An operator's live API tokens (system administrators: to find and revoke a forgotten one). */
  async apiTokens(operatorId: string) {
    if (!(await repo.findOperatorById(this.db, operatorId))) throw new NotFoundError('Operator');
    return (await listOwnTokens(this.db, operatorId)).map(tokenView);
  }

  async revokeApiToken(actor: Actor, operatorId: string, tokenId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const token = await findLiveTokenOf(trx, operatorId, tokenId);
      if (!token || !(await revokeOwnToken(trx, operatorId, tokenId, nowIso()))) throw new NotFoundError('API token');
      await recordAudit(trx, actor, {
        clientId: null,
        action: 'api_token.revoke',
        targetType: 'api_token',
        targetId: tokenId,
        details: { ownerId: operatorId, name: token.name, prefix: token.prefix },
      });
    });
  }

  /** BAITWISE_ADMIN_EMAIL/PASSWORD: create the first system administrator when none exists. */
  async bootstrapAdmin(admin: { email: string; password: string }): Promise<boolean> {
    if ((await repo.countOperators(this.db)) > 0) return false;
    await this.create(null, {
      email: admin.email,
      name: 'Administrator',
      role: 'system_admin',
      password: admin.password,
      clientIds: [],
    });
    return true;
  }
}
