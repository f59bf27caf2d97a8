// The campaign's learners table searches through the recipients' search index (migration 0011):
// a substring of the email or the name, in any letter case (Unicode letters too), finds the same
// learners before and after the index catches up with new recipients, with few hits (their ids)
// and with many (a subquery), page by page; another campaign's learners never appear.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../../src/lib/ids.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;
let profileId: string;
let campaignId: string;
const BULK = 1_050; // more than the 1,000 hits a search turns into a list of ids

const api = (method: string, path: string, body?: unknown) =>
  t.as(sys, method, `/api/v1/clients/${clientId}/training${path}`, body);

async function campaign(audience: Record<string, unknown>) {
  const c = await api('POST', '/campaigns', {
    name: 'Search',
    contentRef: 'builtin:recognising-phishing',
    language: 'en',
    profileId,
    audience,
    timeZone: 'Europe/Berlin',
    dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  });
  expect(c.statusCode, c.body).toBe(201);
  const r = await api('POST', `/campaigns/${c.json().id}/launch`);
  expect(r.statusCode, r.body).toBe(200);
  return c.json().id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Search Training Ltd' })).json().id;
  profileId = (
    await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
      name: 'Relay',
      kind: 'smtp',
      fromAddress: 'security@relay.test',
      smtp: { host: 'relay.test', port: 25, security: 'none' },
    })
  ).json().id;
  const group = (await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipient-groups`, { name: 'Named' })).json();
  for (const p of [
    { email: 'elodie.mueller@search.test', displayName: 'ÉLODIE MÜLLER' },
    { email: 'jorg@search.test', displayName: 'Jörg Straßberger' },
    { email: 'ann.smith@search.test', displayName: 'Ann Smith' },
  ]) {
    const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, { ...p, groupIds: [group.id] });
    expect(r.statusCode, r.body).toBe(201);
  }
  const now = nowIso();
  const rows = Array.from({ length: BULK }, (_, i) => ({
    id: newId(),
    client_id: clientId,
    email: `bulk.${i}@many.test`,
    email_key: `bulk.${i}@many.test`,
    first_name: null,
    last_name: null,
    display_name: `Bulk Learner ${i}`,
    department: null,
    job_title: null,
    office_location: null,
    entra_object_id: null,
    user_type: null,
    enabled: 1,
    source: 'manual' as const,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await t.db.handle.db
      .insertInto('recipients')
      .values(rows.slice(i, i + 500))
      .execute();
  // Another campaign with only the named three: its learners must never show in this one's search.
  await campaign({ groupIds: [group.id] });
  campaignId = await campaign({ everyone: true });
}, 60_000);
afterAll(async () => t?.close());

/** Every learner's email a search finds, following the pages. */
async function search(term: string, limit = 200): Promise<string[]> {
  const out: string[] = [];
  let cursor = '';
  for (;;) {
    const r = await api(
      'GET',
      `/campaigns/${campaignId}/enrolments?limit=${limit}&search=${encodeURIComponent(term)}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(r.statusCode, r.body).toBe(200);
    out.push(...r.json().items.map((e: { recipient: { email: string } }) => e.recipient.email));
    if (!r.json().nextCursor) return out;
    cursor = r.json().nextCursor;
  }
}

const cases: [string, string[]][] = [
  ['DIE.MUE', ['elodie.mueller@search.test']], // a substring of the email, other case
  ['müller', ['elodie.mueller@search.test']], // of the name, a non-ASCII letter in the other case
  ['ÖRG STRASS', []], // "ß" is not "SS": a substring, not a spelling match
  ['straß', ['jorg@search.test']],
  ['smi', ['ann.smith@search.test']],
  ['bulk.104', ['bulk.104@many.test', ...Array.from({ length: 10 }, (_, i) => `bulk.${1040 + i}@many.test`)]],
  ['10%', []], // wildcards are literal
  ['zz', []], // too short for trigrams: scanned
];

describe('the learners table’s search', () => {
  it('finds substrings of email and name in any letter case, before and after the index catches up', async () => {
    for (const round of ['pending', 'indexed']) {
      if (round === 'indexed') await t.container.services.searchIndex.drain();
      for (const [term, emails] of cases)
        expect({ round, term, found: (await search(term)).sort() }).toEqual({ round, term, found: [...emails].sort() });
    }
  });

  it('pages through a term with many hits, each learner once, in the table’s order', async () => {
    const all = await search('bulk learner', 200);
    expect(all).toHaveLength(BULK);
    expect(new Set(all).size).toBe(BULK);
    const first = await api('GET', `/campaigns/${campaignId}/enrolments?limit=50&search=many.test`);
    expect(first.json().items).toHaveLength(50);
    expect(first.json().nextCursor).not.toBeNull();
  });
});
