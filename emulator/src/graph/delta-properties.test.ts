// Which properties /users/delta sends (Graph's user-delta rules): never-set properties are left
// out rather than sent as null; a property changed to null is sent as null; with
// `Prefer: return=minimal` an updated user carries only what changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let token: string;
let withDept: User;
let noDept: User;
const SELECT = 'displayName,department,jobTitle,accountEnabled';

type Page = { '@odata.deltaLink'?: string; value: Record<string, unknown>[] };
async function get(url: string, headers: Record<string, string> = {}) {
  const r = await kit.get(url, token, headers);
  expect(r.status).toBe(200);
  return { page: (await r.json()) as Page, headers: r.headers };
}
const byId = (p: Page, u: User) => p.value.find((x) => x.id === u.id);
const patch = (u: User, body: Partial<User>) =>
  fetch(`${kit.emu.urls.control}/users/${u.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Delta');
  const admin = kit.user(t, 'admin');
  withDept = kit.user(t, 'ann', { department: 'Research', jobTitle: 'Chemist' });
  noDept = kit.user(t, 'ned'); // department and jobTitle never set
  token = await kit.token(admin);
});
afterAll(() => kit.close());

describe('users/delta properties', () => {
  it('the initial round leaves out properties that were never set (no null placeholders)', async () => {
    const { page } = await get(`users/delta?$select=${SELECT}`);
    expect(byId(page, withDept)).toEqual({
      id: withDept.id,
      displayName: 'Ann',
      department: 'Research',
      jobTitle: 'Chemist',
      accountEnabled: true,
    });
    expect(byId(page, noDept)).toEqual({ id: noDept.id, displayName: 'Ned', accountEnabled: true });
  });

  it('an update sends values, a property changed to null as null, and still leaves out never-set ones', async () => {
    const { page: first } = await get(`users/delta?$select=${SELECT}`);
    await patch(withDept, { department: null });
    await patch(noDept, { displayName: 'Ned Renamed' });
    const { page, headers } = await get(first['@odata.deltaLink'] as string);
    expect(headers.get('preference-applied')).toBeNull();
    expect(byId(page, withDept)).toEqual({
      id: withDept.id,
      displayName: 'Ann',
      department: null,
      jobTitle: 'Chemist',
      accountEnabled: true,
    });
    expect(byId(page, noDept)).toEqual({ id: noDept.id, displayName: 'Ned Renamed', accountEnabled: true });
  });

  it('Prefer: return=minimal → only the changed properties, answered with Preference-Applied', async () => {
    const { page: first } = await get(`users/delta?$select=${SELECT}`);
    await patch(withDept, { jobTitle: 'Lead Chemist' });
    await patch(noDept, { jobTitle: null }); // unchanged: still never set
    const { page, headers } = await get(first['@odata.deltaLink'] as string, {
      prefer: 'odata.maxpagesize=999, return=minimal',
    });
    expect(headers.get('preference-applied')).toBe('return=minimal');
    expect(byId(page, withDept)).toEqual({ id: withDept.id, jobTitle: 'Lead Chemist' });
    expect(byId(page, noDept)).toBeUndefined();
  });
});
