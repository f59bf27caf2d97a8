// Recipient groups of one client: list with member counts, create, rename, delete, and single
// memberships. Every change and its audit entry are one transaction.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import * as repo from './groups-repository.js';
import { findRecipient } from './repository.js';
import { isUniqueViolation } from './unique-violation.js';
import { groupView } from './view.js';

const nameKey = (name: string) => name.trim().toLowerCase();
const DUPLICATE = 'A recipient group with this name already exists.';

export class RecipientGroupService {
  constructor(private readonly db: Db) {}

  private async write(work: (trx: Db) => Promise<void>): Promise<void> {
    try {
      await this.db.transaction().execute(work);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError('name', DUPLICATE);
      throw e;
    }
  }

  async list(clientId: string) {
    return (await repo.listGroups(this.db, clientId)).map((g) => groupView(g, g.member_count));
  }

  async get(clientId: string, groupId: string) {
    const g = await repo.findGroup(this.db, clientId, groupId);
    if (!g) throw new NotFoundError('Recipient group');
    return groupView(g, await repo.countMembers(this.db, clientId, groupId));
  }

  async create(actor: Actor, clientId: string, input: { name: string; description?: string | null }) {
    const id = newId();
    const name = input.name.trim();
    await this.write(async (trx) => {
      if (await repo.findGroupByNameKey(trx, clientId, nameKey(name))) throw new ConflictError('name', DUPLICATE);
      const now = nowIso();
      await repo.insertGroup(trx, {
        id,
        client_id: clientId,
        name,
        name_key: nameKey(name),
        description: input.description?.trim() || null,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient_group.create',
        targetType: 'recipient_group',
        targetId: id,
        details: { name },
      });
    });
    return this.get(clientId, id);
  }

  async update(actor: Actor, clientId: string, groupId: string, input: { name?: string; description?: string | null }) {
    await this.write(async (trx) => {
      const g = await repo.findGroup(trx, clientId, groupId);
      if (!g) throw new NotFoundError('Recipient group');
      const patch: Parameters<typeof repo.updateGroup>[3] = {};
      if (input.name !== undefined && input.name.trim() !== g.name) {
        const clash = await repo.findGroupByNameKey(trx, clientId, nameKey(input.name));
        if (clash && clash.id !== groupId) throw new ConflictError('name', DUPLICATE);
        patch.name = input.name.trim();
        patch.name_key = nameKey(input.name);
      }
      if (input.description !== undefined) patch.description = input.description?.trim() || null;
      if (Object.keys(patch).length === 0) return;
      await repo.updateGroup(trx, clientId, groupId, { ...patch, updated_at: nowIso() });
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient_group.update',
        targetType: 'recipient_group',
        targetId: groupId,
        details: patch.name ? { from: g.name, to: patch.name } : { name: g.name, fields: ['description'] },
      });
    });
    return this.get(clientId, groupId);
  }

  /** Deletes the group and its memberships; the recipients stay. Refused while an Entra import fills it. */
  async delete(actor: Actor, clientId: string, groupId: string): Promise<void> {
    await this.write(async (trx) => {
      const g = await repo.findGroup(trx, clientId, groupId);
      if (!g) throw new NotFoundError('Recipient group');
      // The import's row would go with the group (foreign key cascade), silently ending its sync.
      const imports = await repo.importsTargeting(trx, clientId, groupId);
      if (imports.length > 0) {
        throw new ConflictError(
          'groupId',
          `This group is filled by the directory import "${imports.join('", "')}"; delete that import first.`,
        );
      }
      const members = await repo.countMembers(trx, clientId, groupId);
      await repo.deleteGroup(trx, clientId, groupId);
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient_group.delete',
        targetType: 'recipient_group',
        targetId: groupId,
        details: { name: g.name, members },
      });
    });
  }

  /** Idempotent: adding a member twice is not an error and records one audit entry. */
  async addMember(actor: Actor, clientId: string, groupId: string, recipientId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const g = await repo.findGroup(trx, clientId, groupId);
      if (!g) throw new NotFoundError('Recipient group');
      const r = await findRecipient(trx, clientId, recipientId);
      if (!r) throw new NotFoundError('Recipient');
      if ((await repo.addMembers(trx, clientId, groupId, [recipientId], nowIso())) === 0) return;
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient_group.member_add',
        targetType: 'recipient_group',
        targetId: groupId,
        details: { group: g.name, email: r.email },
      });
    });
  }

  async removeMember(actor: Actor, clientId: string, groupId: string, recipientId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const g = await repo.findGroup(trx, clientId, groupId);
      if (!g) throw new NotFoundError('Recipient group');
      if (!(await repo.removeMember(trx, clientId, groupId, recipientId))) throw new NotFoundError('Membership');
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient_group.member_remove',
        targetType: 'recipient_group',
        targetId: groupId,
        details: { group: g.name, recipientId },
      });
    });
  }
}
