// CSV import of recipients. Rows with errors are skipped and reported (row, field, message);
// valid rows are created, or updated by email address, in ONE transaction with the audit entry.
// A dry run reads the same data and reports the same numbers without writing anything.
import type { Db } from '../../db/connection.js';
import { refreshStatistics } from '../../db/statistics.js';
import type { Actor } from '../../http/actor.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { canonicalTimeZone } from '../../lib/time-zone.js';
import { recordAudit } from '../audit/record.js';
import { CsvSyntaxError, detectDelimiter, isBlankRecord, parseCsv } from './csv.js';
import { clean, displayNameFor, EMAIL_MAX, emailKey, FIELD_MAX, isValidEmail, normaliseEmail } from './fields.js';
import * as groups from './groups-repository.js';
import * as repo from './repository.js';
import { isUniqueViolation } from './unique-violation.js';

export const CSV_MAX_BYTES = 5 * 1024 * 1024;
export const CSV_MAX_ROWS = 10_000;

const COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'display_name',
  'department',
  'job_title',
  'office_location',
  'time_zone',
] as const;
type Column = (typeof COLUMNS)[number];

/** Header spellings people (and Excel, Entra and Google exports) use, compared without case or punctuation. */
const ALIASES: Record<string, Column> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  primaryemail: 'email',
  firstname: 'first_name',
  givenname: 'first_name',
  forename: 'first_name',
  lastname: 'last_name',
  surname: 'last_name',
  familyname: 'last_name',
  displayname: 'display_name',
  name: 'display_name',
  fullname: 'display_name',
  department: 'department',
  dept: 'department',
  jobtitle: 'job_title',
  title: 'job_title',
  position: 'job_title',
  officelocation: 'office_location',
  office: 'office_location',
  location: 'office_location',
  timezone: 'time_zone',
  tz: 'time_zone',
};

const COLUMN_TO_ROW = {
  first_name: 'first_name',
  last_name: 'last_name',
  display_name: 'display_name',
  department: 'department',
  job_title: 'job_title',
  office_location: 'office_location',
  time_zone: 'time_zone',
} as const satisfies Record<Exclude<Column, 'email'>, keyof repo.RecipientRow>;

export interface RowError {
  row: number;
  field: string;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: RowError[];
  ignoredColumns: string[];
  dryRun: boolean;
}

type Values = Partial<Record<Column, string>>;
interface ValidRow {
  row: number;
  values: Values;
}

function mapHeader(header: string[]): { index: Map<Column, number>; ignored: string[] } {
  const index = new Map<Column, number>();
  const ignored: string[] = [];
  header.forEach((raw, i) => {
    const col = ALIASES[raw.toLowerCase().replace(/[^a-z0-9]/g, '')];
    if (!col) {
      if (raw.trim()) ignored.push(raw.trim());
      return;
    }
    if (index.has(col)) {
      throw new ValidationError('csv', `Two columns mean ${col}: "${header[index.get(col) ?? 0]}" and "${raw}".`);
    }
    index.set(col, i);
  });
  if (!index.has('email')) {
    throw new ValidationError('csv', 'The first row must be a header with an email column (e.g. "email" or "E-mail").');
  }
  return { index, ignored };
}

/** Parses and checks every row; nothing here touches the database. */
export function validateCsv(csv: string): { rows: ValidRow[]; errors: RowError[]; ignored: string[] } {
  if (Buffer.byteLength(csv, 'utf8') > CSV_MAX_BYTES) {
    throw new ValidationError('csv', 'The file is larger than 5 MB; split it into several imports.');
  }
  let records: string[][];
  try {
    records = parseCsv(csv, detectDelimiter(csv));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new ValidationError('csv', e.message, { row: e.row });
    throw e;
  }
  const headerAt = records.findIndex((r) => !isBlankRecord(r));
  if (headerAt < 0) throw new ValidationError('csv', 'The file is empty.');
  const { index, ignored } = mapHeader(records[headerAt] ?? []);
  const body = records.slice(headerAt + 1);
  if (body.filter((r) => !isBlankRecord(r)).length > CSV_MAX_ROWS) {
    throw new ValidationError('csv', `At most ${CSV_MAX_ROWS.toLocaleString('en')} rows per import; split the file.`);
  }

  const rows: ValidRow[] = [];
  const errors: RowError[] = [];
  const firstRowOf = new Map<string, number>();
  body.forEach((record, i) => {
    if (isBlankRecord(record)) return;
    const row = headerAt + i + 2; // spreadsheet numbering: the header is row 1
    const values: Values = {};
    for (const [col, at] of index) values[col] = (record[at] ?? '').trim();
    const email = normaliseEmail(values.email ?? '');
    values.email = email;
    let error: RowError | null = null;
    if (!email) error = { row, field: 'email', message: 'The email address is missing.' };
    else if (email.length > EMAIL_MAX || !isValidEmail(email))
      error = { row, field: 'email', message: `"${email.slice(0, 100)}" is not a valid email address.` };
    else {
      const seen = firstRowOf.get(emailKey(email));
      if (seen !== undefined) error = { row, field: 'email', message: `The same email address is on row ${seen}.` };
    }
    for (const col of COLUMNS) {
      if (error) break;
      if (col !== 'email' && (values[col]?.length ?? 0) > FIELD_MAX)
        error = { row, field: col, message: `Longer than ${FIELD_MAX} characters.` };
    }
    if (!error && values.time_zone) {
      // Stored in Intl's spelling, so the import and the API keep one name per zone.
      const zone = canonicalTimeZone(values.time_zone);
      if (zone) values.time_zone = zone;
      else
        error = {
          row,
          field: 'time_zone',
          message: `"${values.time_zone.slice(0, 64)}" is not a known IANA time zone (e.g. Europe/Berlin).`,
        };
    }
    if (error) {
      errors.push(error);
      return;
    }
    firstRowOf.set(emailKey(email), row);
    rows.push({ row, values });
  });
  return { rows, errors, ignored };
}

/** What an existing recipient would change to: only non-empty cells of the file's columns count. */
function patchFor(existing: repo.RecipientRow, v: Values): Partial<repo.RecipientRow> {
  const patch: Partial<repo.RecipientRow> = {};
  for (const [col, field] of Object.entries(COLUMN_TO_ROW) as [keyof typeof COLUMN_TO_ROW, keyof repo.RecipientRow][]) {
    const value = clean(v[col]);
    if (value !== null && value !== existing[field]) Object.assign(patch, { [field]: value });
  }
  return patch;
}

/**
 * A file to start from: every column the import reads, under its own name, and rows showing
 * what each holds (an address with a non-ASCII name and domain among them). Importing it as it
 * is creates its rows: the test of the import proves that.
 */
export function sampleCsv(): string {
  const rows = [
    [...COLUMNS],
    ['ada.lovelace@example.com', 'Ada', 'Lovelace', '', 'Finance', 'Analyst', 'London', 'Europe/London'],
    [
      'jürgen.müller@müller.example',
      'Jürgen',
      'Müller',
      'Jürgen Müller',
      'Sales',
      'Account manager, DACH',
      'Berlin',
      'Europe/Berlin',
    ],
    ['zoë@example.com', '', '', 'Zoë', '', '', '', ''],
  ];
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  // A byte-order mark, so Excel opens the UTF-8 file with its accents intact.
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export async function importCsv(
  db: Db,
  actor: Actor,
  clientId: string,
  input: { csv: string; groupId?: string; dryRun?: boolean },
): Promise<ImportResult> {
  const { rows, errors, ignored } = validateCsv(input.csv);
  const dryRun = input.dryRun === true;
  const run = async (trx: Db): Promise<ImportResult> => {
    const group = input.groupId ? await groups.findGroup(trx, clientId, input.groupId) : undefined;
    if (input.groupId && !group) throw new ValidationError('groupId', 'This recipient group does not exist.');
    const existing = new Map(
      (
        await repo.findRecipientsByEmailKeys(
          trx,
          clientId,
          rows.map((r) => emailKey(r.values.email ?? '')),
        )
      ).map((r) => [r.email_key, r]),
    );
    const members = group
      ? await groups.memberIdsAmong(
          trx,
          clientId,
          group.id,
          [...existing.values()].map((r) => r.id),
        )
      : new Set<string>();
    const now = nowIso();
    const fresh: repo.RecipientRow[] = [];
    const updates: repo.Profile[] = [];
    const joinGroup: string[] = [];
    let unchanged = 0;
    for (const { values: v } of rows) {
      const email = v.email ?? '';
      const found = existing.get(emailKey(email));
      if (!found) {
        const id = newId();
        fresh.push({
          id,
          client_id: clientId,
          email,
          email_key: emailKey(email),
          first_name: clean(v.first_name),
          last_name: clean(v.last_name),
          display_name: displayNameFor({
            displayName: v.display_name,
            firstName: v.first_name,
            lastName: v.last_name,
            email,
          }),
          department: clean(v.department),
          job_title: clean(v.job_title),
          office_location: clean(v.office_location),
          time_zone: clean(v.time_zone),
          entra_object_id: null,
          user_type: null,
          enabled: 1,
          source: 'csv',
          created_at: now,
          updated_at: now,
        });
        joinGroup.push(id);
        continue;
      }
      const patch = patchFor(found, v);
      const joins = group !== undefined && !members.has(found.id);
      if (joins) joinGroup.push(found.id);
      if (Object.keys(patch).length > 0) {
        const merged = { ...found, ...patch };
        updates.push({
          id: found.id,
          ...Object.fromEntries(repo.PROFILE_COLUMNS.map((c) => [c, merged[c]])),
        } as repo.Profile);
      } else if (!joins) unchanged++;
    }
    const updated = rows.length - fresh.length - unchanged;
    const result = {
      created: fresh.length,
      updated,
      unchanged,
      skipped: errors.length,
      errors,
      ignoredColumns: ignored,
      dryRun,
    };
    if (dryRun) return result;
    await repo.insertRecipients(trx, clientId, fresh);
    await repo.updateProfiles(trx, clientId, updates, now);
    if (group) await groups.addMembers(trx, clientId, group.id, joinGroup, now);
    await recordAudit(trx, actor, {
      clientId,
      action: 'recipient.import',
      targetType: 'client',
      targetId: clientId,
      details: {
        created: fresh.length,
        updated,
        unchanged,
        skipped: errors.length,
        ...(group ? { group: group.name } : {}),
      },
    });
    return result;
  };
  // A dry run still reads inside a transaction so its numbers come from one consistent snapshot.
  try {
    const result = await db.transaction().execute(run);
    if (!dryRun) await refreshStatistics(db, repo.RECIPIENT_TABLES, result.created + result.updated);
    return result;
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new ConflictError('csv', 'Recipients were added at the same time; run the import again.');
    }
    throw e;
  }
}
