// `baitwise outbox [--client <id>]`: each sending profile's queue as the console shows it —
// counts, pace against its limit, the next send, and why it is paused — one block per profile.
import type { Container } from '../composition.js';

export async function outboxCommand(
  c: Container,
  opts: { client?: string },
  out: (line: string) => void = console.log,
) {
  const db = c.db.db;
  let q = db
    .selectFrom('sending_profiles as p')
    .innerJoin('clients as c', 'c.id', 'p.client_id')
    .select(['p.id', 'p.client_id', 'p.name', 'p.kind', 'c.name as client_name'])
    .orderBy('c.name')
    .orderBy('p.name');
  if (opts.client) q = q.where('p.client_id', '=', opts.client);
  const profiles = await q.execute();
  if (profiles.length === 0) {
    out(opts.client ? 'This client has no sending profile.' : 'No sending profile yet.');
    return;
  }
  for (const p of profiles) {
    const s = await c.services.mail.outbox.status(p.client_id, p.id);
    const pace =
      s.effectivePerMinute < s.limitPerMinute
        ? `${s.effectivePerMinute}/min (limit ${s.limitPerMinute}/min, lowered after ${s.throttled} throttling answer(s))`
        : `${s.limitPerMinute}/min`;
    out(`${p.client_name} — ${p.name} (${p.kind}) ${p.id}`);
    out(
      `  queued ${s.queued}, in flight ${s.sending}, deferred ${s.deferred}, sent today ${s.sentToday}, failed ${s.failed}, expired ${s.expired}, in doubt ${s.inDoubt}`,
    );
    out(`  pace: ${s.sentLastMinute} in the last minute, at most ${pace}; ${s.limitPerDay} recipients a day`);
    if (s.paused) {
      const until = s.paused.until ? `until ${s.paused.until}` : 'until an administrator acts';
      out(`  PAUSED ${until}: ${s.paused.reason?.message ?? ''}`);
      if (s.paused.reason?.guidance) out(`    ${s.paused.reason.guidance.title}. ${s.paused.reason.guidance.action}`);
    } else if (s.nextSendAt) {
      out(`  next send at ${s.nextSendAt}`);
    }
  }
}
