import { describe, expect, it } from 'vitest';
import { generateTenant, registerDemoApp, seedDemo } from './generate.js';
import { Store } from './model.js';

describe('directory generator', () => {
  it('is deterministic for a seed and realistic in shape', () => {
    const a = new Store();
    const b = new Store();
    const ga = generateTenant(a, { name: 'Contoso', users: 500, groups: 30, seed: 's1' });
    const gb = generateTenant(b, { name: 'Contoso', users: 500, groups: 30, seed: 's1' });
    expect(ga.tenant.id).toBe(gb.tenant.id);
    expect(ga.admin).toEqual(gb.admin);
    const ua = a.usersByTenant.get(ga.tenant.id) ?? [];
    const ub = b.usersByTenant.get(gb.tenant.id) ?? [];
    expect(ua.map((u) => u.userPrincipalName)).toEqual(ub.map((u) => u.userPrincipalName));
    expect(ua).toHaveLength(500);
    expect(new Set(ua.map((u) => u.userPrincipalName.toLowerCase())).size).toBe(500);
    expect(ga.admin.isAdmin).toBe(true);
    expect(ga.user.isAdmin).toBe(false);
    expect(ua.some((u) => u.userType === 'Guest' && u.userPrincipalName.includes('#EXT#'))).toBe(true);
    expect(ua.some((u) => !u.accountEnabled)).toBe(true);
    const groups = a.groupsByTenant.get(ga.tenant.id) ?? [];
    expect(groups).toHaveLength(30);
    expect(groups.some((g) => g.memberGroupIds.length > 0)).toBe(true);
    expect(groups.find((g) => g.displayName === 'All Staff')?.memberUserIds.length).toBeGreaterThan(400);
    const other = generateTenant(new Store(), { name: 'Contoso', users: 10, groups: 0, seed: 's2' });
    expect(other.tenant.id).not.toBe(ga.tenant.id);
  });

  it('creates 100,000 users in a few seconds', () => {
    const s = new Store();
    const t0 = performance.now();
    const g = generateTenant(s, { name: 'Big', users: 100_000, groups: 100, seed: 'big' });
    const ms = performance.now() - t0;
    expect(s.usersByTenant.get(g.tenant.id)).toHaveLength(100_000);
    expect(ms).toBeLessThan(10_000);
  });

  it('seedDemo: Contoso and Fabrikam with known accounts; demo app with a stable secret', () => {
    const s = new Store();
    const [contoso, fabrikam] = seedDemo(s, 'demo');
    expect(contoso?.tenant.domains).toEqual(['contoso.onmicrosoft.com']);
    expect(fabrikam?.tenant.displayName).toBe('Fabrikam');
    const again = seedDemo(new Store(), 'demo');
    expect(again[0]?.admin.password).toBe(contoso?.admin.password);
    const app1 = registerDemoApp(s, contoso?.tenant.id as string, 'http://localhost:3000/cb');
    const app2 = registerDemoApp(new Store(), contoso?.tenant.id as string, 'http://localhost:3000/cb');
    expect(app1.app.clientId).toBe(app2.app.clientId);
    expect(app1.clientSecret).toBe(app2.clientSecret);
  });
});
