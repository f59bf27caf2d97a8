// Recipients of one client: the paged list, manual add, edit and delete. Every change and its
// audit entry are one transaction.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { canonicalTimeZone } from '../../lib/time-zone.js';
import { recordAudit } from '../audit/record.js';
import { importCsv } from './csv-import.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { clean, displayNameFor, emailKey, normaliseEmail } from './fields.js';
import * as groups from './groups-repository.js';
import * as repo from './repository.js';
import { isUniqueViolation } from './unique-violation.js';
import { recipientView } from './view.js';

export interface RecipientInput {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  officeLocation?: string | null;
  /** IANA name; null or blank: not known */
  timeZone?: string | null;
  enabled?: boolean;
  groupIds?: string[];
}

export type RecipientPatch = Partial<RecipientInput>;

const FACET_CAP = 1000;

export class RecipientService {
  constructor(private readonly db: Db) {}

  importCsv(actor: Actor, clientId: string, input: Parameters<typeof importCsv>[3]) {
    return importCsv(this.db, actor, clientId, input);
  }

  /**
   * A page is a bounded range scan; the total is a pass over every match (a search or a group
   * filter at 100,000 recipients), so it is counted only when the caller asks (the console does on
   * the first page).
   */
  async list(clientId: string, f: repo.RecipientFilter, limit: number, cursor?: string, withTotal = false) {
    const after = cursor ? decodeCursor(cursor) : null;
    const [rows, total] = await Promise.all([
      repo.listRecipientsPage(this.db, clientId, f, after, limit + 1),
      withTotal ? repo.countRecipients(this.db, clientId, f) : undefined,
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => recipientView(r, r.groups)),
      nextCursor: rows.length > limit && last ? encodeCursor({ name: last.display_name, id: last.id }) : null,
      ...(total === undefined ? {} : { total }),
    };
  }

  /** A transaction in which a racing duplicate email is a 409, as the explicit check would say. */
  private async write(work: (trx: Db) => Promise<void>): Promise<void> {
    try {
      await this.db.transaction().execute(work);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError('email', 'A recipient with this email address already exists.');
      throw e;
    }
  }

  async facets(clientId: string) {
    const [departments, jobTitles] = await Promise.all([
      repo.distinctValues(this.db, clientId, 'department', FACET_CAP),
      repo.distinctValues(this.db, clientId, 'job_title', FACET_CAP),
    ]);
    return { departments, jobTitles };
  }

  async get(clientId: string, recipientId: string) {
    const r = await repo.findRecipientWithGroups(this.db, clientId, recipientId);
    if (!r) throw new NotFoundError('Recipient');
    return recipientView(r, r.groups);
  }

  async create(actor: Actor, clientId: string, given: RecipientInput) {
    const input = { ...given, email: normaliseEmail(given.email) };
    const id = newId();
    const timeZone = checkTimeZone(input.timeZone);
    await this.write(async (trx) => {
      const key = emailKey(input.email);
      if (await repo.findRecipientByEmailKey(trx, clientId, key)) {
        throw new ConflictError('email', 'A recipient with this email address already exists.');
      }
      await checkGroups(trx, clientId, input.groupIds);
      const now = nowIso();
      await repo.insertRecipients(trx, clientId, [
        {
          id,
          client_id: clientId,
          email: input.email.trim(),
          email_key: key,
          first_name: clean(input.firstName),
          last_name: clean(input.lastName),
          display_name: displayNameFor(input),
          department: clean(input.department),
          job_title: clean(input.jobTitle),
          office_location: clean(input.officeLocation),
          time_zone: timeZone ?? null,
          entra_object_id: null,
          user_type: null,
          enabled: input.enabled === false ? 0 : 1,
          source: 'manual',
          created_at: now,
          updated_at: now,
        },
      ]);
      if (input.groupIds?.length) await groups.setRecipientGroups(trx, clientId, id, input.groupIds, now);
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient.create',
        targetType: 'recipient',
        targetId: id,
        details: { email: input.email.trim(), groups: input.groupIds?.length ?? 0 },
      });
    });
    return this.get(clientId, id);
  }

  async update(actor: Actor, clientId: string, recipientId: string, p: RecipientPatch) {
    const timeZone = checkTimeZone(p.timeZone);
    await this.write(async (trx) => {
      const r = await repo.findRecipient(trx, clientId, recipientId);
      if (!r) throw new NotFoundError('Recipient');
      const patch: Parameters<typeof repo.updateRecipient>[3] = {};
      if (p.email !== undefined && normaliseEmail(p.email) !== r.email) {
        const key = emailKey(p.email);
        const clash = await repo.findRecipientByEmailKey(trx, clientId, key);
        if (clash && clash.id !== r.id) {
          throw new ConflictError('email', 'A recipient with this email address already exists.');
        }
        patch.email = normaliseEmail(p.email);
        patch.email_key = key;
      }
      if (p.firstName !== undefined) patch.first_name = clean(p.firstName);
      if (p.lastName !== undefined) patch.last_name = clean(p.lastName);
      if (p.department !== undefined) patch.department = clean(p.department);
      if (p.jobTitle !== undefined) patch.job_title = clean(p.jobTitle);
      if (p.officeLocation !== undefined) patch.office_location = clean(p.officeLocation);
      if (timeZone !== undefined) patch.time_zone = timeZone;
      if (p.enabled !== undefined) patch.enabled = p.enabled ? 1 : 0;
      // An explicitly cleared display name is derived again, so the list keeps sorting by a name.
      if (p.displayName !== undefined) {
        patch.display_name = displayNameFor({
          displayName: p.displayName,
          firstName: patch.first_name !== undefined ? patch.first_name : r.first_name,
          lastName: patch.last_name !== undefined ? patch.last_name : r.last_name,
          email: patch.email ?? r.email,
        });
      }
      await checkGroups(trx, clientId, p.groupIds);
      const now = nowIso();
      const changed = Object.keys(patch).filter((k) => k !== 'email_key');
      if (changed.length > 0) await repo.updateRecipient(trx, clientId, recipientId, { ...patch, updated_at: now });
      if (p.groupIds !== undefined) await groups.setRecipientGroups(trx, clientId, recipientId, p.groupIds, now);
      if (changed.length > 0 || p.groupIds !== undefined) {
        await recordAudit(trx, actor, {
          clientId,
          action: 'recipient.update',
          targetType: 'recipient',
          targetId: recipientId,
          details: {
            email: patch.email ?? r.email,
            fields: changed,
            ...(p.groupIds !== undefined ? { groups: p.groupIds.length } : {}),
          },
        });
      }
    });
    return this.get(clientId, recipientId);
  }

  async delete(actor: Actor, clientId: string, recipientId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await repo.findRecipient(trx, clientId, recipientId);
      if (!r || !(await repo.deleteRecipient(trx, clientId, recipientId))) throw new NotFoundError('Recipient');
      await recordAudit(trx, actor, {
        clientId,
        action: 'recipient.delete',
        targetType: 'recipient',
        targetId: recipientId,
        details: { email: r.email, source: r.source },
      });
    });
  }
}

/** undefined: not given; null: cleared (null or blank); else Intl's name of the zone. 400 when unknown. */
function checkTimeZone(given: string | null | undefined): string | null | undefined {
  if (given === undefined) return undefined;
  if (given === null || !given.trim()) return null;
  const zone = canonicalTimeZone(given);
  if (!zone)
    throw new ValidationError(
      'timeZone',
      `"${given.slice(0, 64)}" is not a known IANA time zone (e.g. Europe/Berlin).`,
    );
  return zone;
}

/** Group ids must name groups of this client; another client's id is reported like a missing one. */
async function checkGroups(db: Db, clientId: string, groupIds: string[] | undefined): Promise<void> {
  if (!groupIds?.length) return;
  const found = await groups.existingGroupIds(db, clientId, [...new Set(groupIds)]);
  const missing = groupIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw new ValidationError(`groupIds.${missing}`, 'This recipient group does not exist.');
}
