// The campaign page's aggregates read training_enrolments alone (modules/training/results.ts):
// joining every enrolment to its invitation's outbox message (status) and to its recipient
// (department) cost 1.4–3 s at 100,000 learners (bench:training); two columns copied here make
// the funnel one grouped pass and "by department" an index-only range scan.
// - invite_status: the status of the enrolment's latest invitation (invite_message_id). Written
//   'queued' with the enrolment (and with a resend's new message), then kept in step by a trigger
//   on outbox_messages.status, in the transaction that changes the status: the outbox changes
//   status in many places (dispatch, retry, expiry, cancel, an operator's retry) and a trigger
//   sees them all without the outbox knowing about training. Only the message the enrolment
//   names counts: an older invitation's late failure leaves a newer one's status alone.
// - department: the recipient's department, written at enrolment and kept in step by a trigger
//   on recipients.department (directory sync and edits alike), so results by department stay the
//   recipient's current department as before.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('training_enrolments').addColumn('invite_status', 'text').execute();
  await db.schema.alterTable('training_enrolments').addColumn('department', 'text').execute();
  await sql`update training_enrolments set
    invite_status = (select m.status from outbox_messages m where m.id = training_enrolments.invite_message_id),
    department = (select r.department from recipients r where r.id = training_enrolments.recipient_id)`.execute(db);
  // By department: (client, campaign, department, completed_at) answers count(*) and
  // count(completed_at) per department from the index alone.
  await db.schema
    .createIndex('training_enrolments_department_idx')
    .on('training_enrolments')
    .columns(['client_id', 'campaign_id', 'department', 'completed_at'])
    .execute();
  // The learners list and the exports page by enrolment id within a campaign (keyset): without
  // this each page of 500 sorted the campaign's rows again, 200 times for an export of 100,000.
  await db.schema
    .createIndex('training_enrolments_campaign_id_idx')
    .on('training_enrolments')
    .columns(['client_id', 'campaign_id', 'id'])
    .execute();
  const status = `update training_enrolments set invite_status = new.status
      where id = new.ref_id and invite_message_id = new.id`;
  const department = `update training_enrolments set department = new.department
      where client_id = new.client_id and recipient_id = new.id`;
  if (dialect === 'postgres') {
    await sql
      .raw(`create function training_invite_status() returns trigger language plpgsql as $$
        begin ${status}; return null; end $$`)
      .execute(db);
    await sql
      .raw(`create trigger outbox_messages_training_status after update of status on outbox_messages
        for each row when (new.ref_type = 'training.enrolment' and new.status is distinct from old.status)
        execute function training_invite_status()`)
      .execute(db);
    await sql
      .raw(`create function training_department() returns trigger language plpgsql as $$
        begin ${department}; return null; end $$`)
      .execute(db);
    await sql
      .raw(`create trigger recipients_training_department after update of department on recipients
        for each row when (new.department is distinct from old.department)
        execute function training_department()`)
      .execute(db);
    return;
  }
  await sql
    .raw(`create trigger outbox_messages_training_status after update of status on outbox_messages
      when new.ref_type = 'training.enrolment' and new.status is not old.status
      begin ${status}; end`)
    .execute(db);
  await sql
    .raw(`create trigger recipients_training_department after update of department on recipients
      when new.department is not old.department
      begin ${department}; end`)
    .execute(db);
}
