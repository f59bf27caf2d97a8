// Clients (an MSSP's customers) and their administrators.
import type { Db } from '../../db/connection.js';
import type { Client } from '../../db/types.js';
import { type Actor, visibleClientIds } from '../../http/actor.js';
import { ClientArchivedError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { makeWaitingImportsDue } from '../directory-sync/repository.js';
import { clientIdsOf, findOperatorById } from '../operators/repository.js';
import { operatorView } from '../operators/view.js';
import * as repo from './repository.js';

export const clientView = (c: Client) => ({
  id: c.id,
  name: c.name,
  archived: c.archived_at !== null,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
});

const nameKey = (name: string) => name.trim().toLowerCase();

export class ClientService {
  constructor(private readonly db: Db) {}

  async list(actor: Actor, includeArchived: boolean) {
    return (await repo.listClients(this.db, visibleClientIds(actor), includeArchived)).map(clientView);
  }

  async get(actor: Actor, clientId: string) {
    const c = await repo.findClient(this.db, visibleClientIds(actor), clientId);
    if (!c) throw new NotFoundError('Client');
    return clientView(c);
  }

  async create(actor: Actor, name: string) {
    const id = newId();
    await this.db.transaction().execute(async (trx) => {
      if (await repo.findClientByNameKey(trx, nameKey(name)))
        throw new ConflictError('name', 'A client with this name already exists.');
      const now = nowIso();
      await repo.insertClient(trx, {
        id,
        name: name.trim(),
        name_key: nameKey(name),
        archived_at: null,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(trx, actor, {
        clientId: id,
        action: 'client.create',
        targetType: 'client',
        targetId: id,
        details: { name: name.trim() },
      });
    });
    return this.get(actor, id);
  }

  async update(actor: Actor, clientId: string, input: { name?: string; archived?: boolean }) {
    await this.db.transaction().execute(async (trx) => {
      const c = await repo.findClient(trx, visibleClientIds(actor), clientId);
      if (!c) throw new NotFoundError('Client');
      const now = nowIso();
      const restoring = c.archived_at !== null && input.archived === false;
      // Archived means read-only: restoring is the one change allowed (a rename may come with it).
      if (c.archived_at !== null && !restoring && input.name !== undefined && input.name.trim() !== c.name) {
        throw new ClientArchivedError();
      }
      if (input.name !== undefined && input.name.trim() !== c.name) {
        const clash = await repo.findClientByNameKey(trx, nameKey(input.name));
        if (clash && clash.id !== clientId) throw new ConflictError('name', 'A client with this name already exists.');
        await repo.updateClient(trx, clientId, {
          name: input.name.trim(),
          name_key: nameKey(input.name),
          updated_at: now,
        });
        await recordAudit(trx, actor, {
          clientId,
          action: 'client.rename',
          targetType: 'client',
          targetId: clientId,
          details: { from: c.name, to: input.name.trim() },
        });
      }
      if (input.archived !== undefined && input.archived !== (c.archived_at !== null)) {
        await repo.updateClient(trx, clientId, { archived_at: input.archived ? now : null, updated_at: now });
        await recordAudit(trx, actor, {
          clientId,
          action: input.archived ? 'client.archive' : 'client.unarchive',
          targetType: 'client',
          targetId: clientId,
        });
        // Syncs were paused while archived (the scheduler skipped them, jobs stopped): those left
        // waiting are due now, so the scheduler queues them again.
        if (restoring) await makeWaitingImportsDue(trx, clientId, now);
      }
    });
    return this.get(actor, clientId);
  }

  async administrators(actor: Actor, clientId: string) {
    await this.get(actor, clientId);
    const ops = await repo.listClientAdministrators(this.db, clientId);
    const ids = await clientIdsOf(
      this.db,
      ops.map((o) => o.id),
    );
    // A client administrator sees only the clients they share with the viewer.
    const visible = visibleClientIds(actor);
    return ops.map((o) =>
      operatorView(
        o,
        (ids.get(o.id) ?? []).filter((id) => visible === null || visible.includes(id)),
      ),
    );
  }

  async assign(actor: Actor, clientId: string, operatorId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.findClient(trx, visibleClientIds(actor), clientId))) throw new NotFoundError('Client');
      const op = await findOperatorById(trx, operatorId);
      if (!op) throw new NotFoundError('Operator');
      if (op.role !== 'client_admin') {
        throw new ValidationError(
          'operatorId',
          'Only client administrators are assigned to clients; system administrators see every client.',
        );
      }
      if (await repo.assignAdministrator(trx, clientId, operatorId, nowIso())) {
        await recordAudit(trx, actor, {
          clientId,
          action: 'client.admin_assign',
          targetType: 'operator',
          targetId: operatorId,
          details: { email: op.email },
        });
      }
    });
  }

  async unassign(actor: Actor, clientId: string, operatorId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.findClient(trx, visibleClientIds(actor), clientId))) throw new NotFoundError('Client');
      if (!(await repo.unassignAdministrator(trx, clientId, operatorId))) throw new NotFoundError('Assignment');
      const op = await findOperatorById(trx, operatorId);
      await recordAudit(trx, actor, {
        clientId,
        action: 'client.admin_unassign',
        targetType: 'operator',
        targetId: operatorId,
        details: { email: op?.email },
      });
    });
  }
}
