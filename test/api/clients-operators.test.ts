import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

const count = async (table: 'clients' | 'operators') =>
  Number(
    (
      await t.db.handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('clients', () => {
  it('creates, renames, archives and unarchives, each recorded in the audit log', async () => {
    const c = (await t.as(sys, 'POST', '/api/v1/clients', { name: '  Initech  ' })).json();
    expect(c.name).toBe('Initech');
    const renamed = await t.as(sys, 'PATCH', `/api/v1/clients/${c.id}`, { name: 'Initech Ltd' });
    expect(renamed.json().name).toBe('Initech Ltd');
    expect((await t.as(sys, 'PATCH', `/api/v1/clients/${c.id}`, { archived: true })).json().archived).toBe(true);
    const active = (await t.as(sys, 'GET', '/api/v1/clients')).json().items.map((x: { id: string }) => x.id);
    expect(active).not.toContain(c.id);
    const all = (await t.as(sys, 'GET', '/api/v1/clients?includeArchived=true'))
      .json()
      .items.map((x: { id: string }) => x.id);
    expect(all).toContain(c.id);
    await t.as(sys, 'PATCH', `/api/v1/clients/${c.id}`, { archived: false });
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${c.id}`)).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      'client.unarchive',
      'client.archive',
      'client.rename',
      'client.create',
    ]);
    expect(audit.items[0].actor.email).toBe(ADMIN.email);
    expect(audit.items[0].ip).toBeTruthy();
  });

  it('refuses duplicates (case-insensitive), blanks, over-long names and unknown fields, writing nothing', async () => {
    await t.as(sys, 'POST', '/api/v1/clients', { name: 'Umbrella' });
    const before = await count('clients');
    const cases: [unknown, number, string][] = [
      [{ name: 'umbrella' }, 409, 'name'],
      [{ name: '   ' }, 400, 'name'],
      [{ name: 'x'.repeat(201) }, 400, 'name'],
      [{ name: 'Ok', color: 'red' }, 400, 'color'],
      [{ name: 42 }, 400, 'name'],
      [{}, 400, 'name'],
    ];
    for (const [body, status, field] of cases) {
      const r = await t.as(sys, 'POST', '/api/v1/clients', body);
      expect({ body, status: r.statusCode, field: r.json().error.details?.field }).toEqual({ body, status, field });
    }
    expect(await count('clients')).toBe(before);
  });

  it('answers malformed JSON with a 400 and no stack trace', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: { cookie: sys.cookie, 'x-csrf-token': sys.csrf, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).not.toMatch(/at .*\.js|node_modules/);
    expect(r.json().requestId).toMatch(/^req-/);
  });

  it('keeps client administration to system administrators', async () => {
    const c = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Hooli' })).json();
    const op = (
      await t.as(sys, 'POST', '/api/v1/operators', {
        email: 'gavin@hooli.test',
        name: 'Gavin',
        role: 'client_admin',
        password: 'hooli hooli hooli',
        clientIds: [],
      })
    ).json();
    expect((await t.as(sys, 'PUT', `/api/v1/clients/${c.id}/administrators/${op.id}`)).statusCode).toBe(204);
    const gavin = await t.login('gavin@hooli.test', 'hooli hooli hooli');
    expect((await t.as(gavin, 'GET', '/api/v1/clients')).json().items.map((x: { name: string }) => x.name)).toEqual([
      'Hooli',
    ]);
    expect((await t.as(gavin, 'POST', '/api/v1/clients', { name: 'Mine' })).statusCode).toBe(403);
    expect((await t.as(gavin, 'PATCH', `/api/v1/clients/${c.id}`, { name: 'Renamed' })).statusCode).toBe(403);
    expect((await t.as(gavin, 'GET', '/api/v1/operators')).statusCode).toBe(403);
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${c.id}/administrators/${op.id}`)).statusCode).toBe(204);
    expect((await t.as(gavin, 'GET', `/api/v1/clients/${c.id}`)).statusCode).toBe(404);
  });
});

describe('operators', () => {
  it('validates email, role, password and client ids, naming the field', async () => {
    const before = await count('operators');
    const base = {
      email: 'new@op.test',
      name: 'New',
      role: 'client_admin',
      password: 'long enough password',
      clientIds: [],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, email: 'not-an-email' }, 'email'],
      [{ ...base, role: 'superuser' }, 'role'],
      [{ ...base, password: 'short' }, 'password'],
      [{ ...base, clientIds: ['00000000-0000-4000-8000-000000000000'] }, 'clientIds.0'],
      [{ ...base, email: ADMIN.email.toUpperCase() }, 'email'],
      [{ ...base, role: 'system_admin', clientIds: ['00000000-0000-4000-8000-000000000000'] }, 'clientIds'],
    ];
    for (const [body, field] of cases) {
      const r = await t.as(sys, 'POST', '/api/v1/operators', body);
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect({ sent: body, field: r.json().error.details?.field }).toEqual({ sent: body, field });
    }
    expect(await count('operators')).toBe(before);
  });

  it('never returns password hashes', async () => {
    const list = await t.as(sys, 'GET', '/api/v1/operators');
    expect(list.body).not.toMatch(/scrypt|password/i);
  });

  it('disabling an operator ends their sessions and tokens; a system admin cannot disable themself', async () => {
    const op = (
      await t.as(sys, 'POST', '/api/v1/operators', {
        email: 'temp@op.test',
        name: 'Temp',
        role: 'system_admin',
        password: 'temporary password',
        clientIds: [],
      })
    ).json();
    const s = await t.login('temp@op.test', 'temporary password');
    const tok = (await t.as(s, 'POST', '/api/v1/api-tokens', { name: 'x' })).json().secret;
    expect((await t.as(sys, 'PATCH', `/api/v1/operators/${op.id}`, { disabled: true })).json().disabled).toBe(true);
    expect((await t.as(s, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await t.as({ token: tok }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const self = await t.as(sys, 'PATCH', `/api/v1/operators/${sys.operatorId}`, { disabled: true });
    expect(self.statusCode).toBe(400);
    expect(self.json().error.details.field).toBe('disabled');
  });

  it('resets a password, revoking the sessions and API tokens opened with the old one, and says how many', async () => {
    const op = (
      await t.as(sys, 'POST', '/api/v1/operators', {
        email: 'forgetful@op.test',
        name: 'F',
        role: 'system_admin',
        password: 'original password',
        clientIds: [],
      })
    ).json();
    const s = await t.login('forgetful@op.test', 'original password');
    const tokens = [];
    for (const name of ['one', 'two'])
      tokens.push((await t.as(s, 'POST', '/api/v1/api-tokens', { name })).json().secret);
    const reset = await t.as(sys, 'POST', `/api/v1/operators/${op.id}/password`, { password: 'replacement password' });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toEqual({ revokedSessions: 1, revokedApiTokens: 2 });
    expect((await t.as(s, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    for (const token of tokens) expect((await t.as({ token }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    await t.login('forgetful@op.test', 'replacement password');
    const audit = (await t.as(sys, 'GET', '/api/v1/audit?action=operator.password_reset')).json().items[0];
    expect(audit.details).toMatchObject({ revokedSessions: 1, revokedApiTokens: 2 });
  });

  it("lets a system administrator list and revoke another operator's API tokens, audited", async () => {
    const op = (
      await t.as(sys, 'POST', '/api/v1/operators', {
        email: 'automator@op.test',
        name: 'Automator',
        role: 'client_admin',
        password: 'automator password',
        clientIds: [],
      })
    ).json();
    const s = await t.login('automator@op.test', 'automator password');
    const made = (await t.as(s, 'POST', '/api/v1/api-tokens', { name: 'nightly' })).json();
    const kept = (await t.as(s, 'POST', '/api/v1/api-tokens', { name: 'kept' })).json();

    const list = await t.as(sys, 'GET', `/api/v1/operators/${op.id}/api-tokens`);
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((x: { name: string }) => x.name)
        .sort(),
    ).toEqual(['kept', 'nightly']);
    expect(list.body).not.toContain(made.secret);
    expect(list.json().items.find((x: { id: string }) => x.id === made.token.id).prefix).toBe(made.secret.slice(0, 10));
    // The administrator's own tokens are not in another operator's list, nor the reverse.
    expect((await t.as(sys, 'GET', `/api/v1/operators/${sys.operatorId}/api-tokens`)).body).not.toContain('nightly');

    const revoke = await t.as(sys, 'DELETE', `/api/v1/operators/${op.id}/api-tokens/${made.token.id}`);
    expect(revoke.statusCode).toBe(204);
    expect((await t.as({ token: made.secret }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await t.as({ token: kept.secret }, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const again = await t.as(sys, 'DELETE', `/api/v1/operators/${op.id}/api-tokens/${made.token.id}`);
    expect(again.statusCode).toBe(404);
    // A token id under the wrong operator is not found either.
    const wrongOwner = await t.as(sys, 'DELETE', `/api/v1/operators/${sys.operatorId}/api-tokens/${kept.token.id}`);
    expect(wrongOwner.statusCode).toBe(404);
    expect(
      (await t.as(sys, 'GET', '/api/v1/operators/00000000-0000-4000-8000-000000000000/api-tokens')).statusCode,
    ).toBe(404);

    const audit = (await t.as(sys, 'GET', '/api/v1/audit?action=api_token.revoke')).json().items[0];
    expect(audit).toMatchObject({ targetId: made.token.id, actor: { id: sys.operatorId } });
    expect(audit.details).toMatchObject({ ownerId: op.id, name: 'nightly' });
  });
});

describe('audit log', () => {
  it('filters by action and pages with a cursor', async () => {
    for (const name of ['Page 1', 'Page 2', 'Page 3']) await t.as(sys, 'POST', '/api/v1/clients', { name });
    const first = (await t.as(sys, 'GET', '/api/v1/audit?action=client.create&limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.items.every((e: { action: string }) => e.action === 'client.create')).toBe(true);
    const second = (
      await t.as(sys, 'GET', `/api/v1/audit?action=client.create&limit=2&cursor=${first.nextCursor}`)
    ).json();
    const seen = new Set([...first.items, ...second.items].map((e: { id: string }) => e.id));
    expect(seen.size).toBe(first.items.length + second.items.length);
    const bad = await t.as(sys, 'GET', '/api/v1/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('from');
  });
});
