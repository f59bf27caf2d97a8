// The side-effects seam (feedback replies, webhooks) as the incidents module calls it: inside the
// transaction that creates or classifies an incident, so what it enqueues commits with the change,
// and a failing side effect rolls the change back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import type { Actor } from '../../src/http/actor.js';
import { ReportAnalyser } from '../../src/modules/incidents/grouping.js';
import { IncidentService } from '../../src/modules/incidents/service.js';
import type { ClassifiedIncident, IncidentRow, IncidentSideEffects } from '../../src/modules/incidents/side-effects.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { eml, recordReport } from '../helpers/incidents.js';

let t: TestApp;
let clientId: string;
let actor: Actor;

beforeAll(async () => {
  t = await createTestApp();
  const sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Effects' })).json().id;
  actor = {
    operatorId: sys.operatorId,
    email: ADMIN.email,
    name: 'Root',
    role: 'system_admin',
    clientIds: new Set(),
    via: 'session',
    sessionId: null,
    tokenId: null,
    ip: '127.0.0.1',
  };
});
afterAll(async () => t?.close());

/** Side effects that record what they saw in the transaction (and can be told to fail). */
function recording(fail: { created?: boolean; classified?: boolean } = {}) {
  const seen = { created: [] as IncidentRow[], classified: [] as (ClassifiedIncident & { inTrx: unknown })[] };
  const effects: IncidentSideEffects = {
    async incidentCreated(trx: Db, incident) {
      // The incident is visible through the transaction it is being created in.
      const row = await trx.selectFrom('incidents').select('id').where('id', '=', incident.id).executeTakeFirst();
      expect(row?.id).toBe(incident.id);
      seen.created.push(incident);
      if (fail.created) throw new Error('webhook store failed');
    },
    async incidentClassified(trx: Db, change) {
      const row = await trx
        .selectFrom('incidents')
        .select('verdict')
        .where('id', '=', change.incident.id)
        .executeTakeFirst();
      seen.classified.push({ ...change, inTrx: row?.verdict });
      if (fail.classified) throw new Error('reply enqueue failed');
      return { replies: change.reply ? change.reporters.length : 0 };
    },
  };
  return { seen, effects };
}

const analyserWith = (effects: IncidentSideEffects) =>
  new ReportAnalyser(t.db.handle, t.app.services.incidents.recorder, effects);
const inboxWith = (effects: IncidentSideEffects) =>
  new IncidentService(t.db.handle.db, t.app.services.incidents.recorder, effects);

describe('incident side effects', () => {
  it('calls incidentCreated once per new incident, in the grouping transaction; a failure groups nothing', async () => {
    const failing = recording({ created: true });
    const m = eml({ subject: 'Effects one' });
    const id = await recordReport(t, clientId, 'e1@client.example', m);
    await expect(analyserWith(failing.effects).analyse(clientId, id)).rejects.toThrow('webhook store failed');
    const row = await t.db.handle.db
      .selectFrom('reported_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ incident_id: null, analysed_at: null });
    expect(
      await t.db.handle.db.selectFrom('incidents').select('id').where('client_id', '=', clientId).execute(),
    ).toEqual([]);

    // The job's retry, with working side effects: one incident, created once; a second reporter joins it.
    const ok = recording();
    await analyserWith(ok.effects).analyse(clientId, id);
    await analyserWith(ok.effects).analyse(clientId, await recordReport(t, clientId, 'e2@client.example', m));
    expect(ok.seen.created).toHaveLength(1);
    expect(ok.seen.created[0]).toMatchObject({ client_id: clientId, subject: 'Effects one', report_count: 1 });
  });

  it('classifies with the reporters (each once) and reply, in the transaction; a failure changes nothing', async () => {
    const incident = await t.db.handle.db
      .selectFrom('incidents')
      .select('id')
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    const failing = recording({ classified: true });
    await expect(
      inboxWith(failing.effects).update(actor, clientId, incident.id, { verdict: 'phishing', reply: true }),
    ).rejects.toThrow('reply enqueue failed');
    const after = await t.db.handle.db
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', incident.id)
      .executeTakeFirstOrThrow();
    expect(after.verdict).toBeNull();
    const events = await t.db.handle.db
      .selectFrom('incident_events')
      .select('type')
      .where('incident_id', '=', incident.id)
      .execute();
    expect(events.map((e) => e.type)).toEqual(['reported', 'reported']);

    const ok = recording();
    const d = await inboxWith(ok.effects).update(actor, clientId, incident.id, { verdict: 'phishing', reply: true });
    expect(ok.seen.classified).toHaveLength(1);
    expect(ok.seen.classified[0]).toMatchObject({
      verdict: 'phishing',
      reply: true,
      actorId: actor.operatorId,
      inTrx: 'phishing',
      reporters: [
        { address: 'e1@client.example', reportId: expect.any(String) },
        { address: 'e2@client.example', reportId: expect.any(String) },
      ],
    });
    expect(d.timeline.map((e) => [e.type, e.detail])).toEqual(
      expect.arrayContaining([
        ['classified', { verdict: 'phishing', previous: null }],
        ['replied', { replies: 2 }],
      ]),
    );
  });
});
