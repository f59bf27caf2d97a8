import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, inScope, mapUser } from './mapping.js';

describe('mapping Entra users', () => {
  it('takes the email from mail, else the UPN, and keys it in lower case', () => {
    expect(mapUser({ id: 'a', mail: 'Ann@Contoso.com', userPrincipalName: 'ann@c.onmicrosoft.com' })?.emailKey).toBe(
      'ann@contoso.com',
    );
    expect(mapUser({ id: 'b', mail: null, userPrincipalName: 'Bob@c.onmicrosoft.com' })?.email).toBe(
      'Bob@c.onmicrosoft.com',
    );
    expect(mapUser({ id: 'c', mail: ' ', userPrincipalName: null })).toBeNull();
  });

  it('reads an absent property as null: Graph leaves out what has no value', () => {
    const f = { ...DEFAULT_FILTERS, departments: ['Sales'] };
    expect(inScope({ id: 'a', accountEnabled: true, department: 'sales' }, f)).toBe(true);
    expect(inScope({ id: 'a', accountEnabled: true, department: 'IT' }, f)).toBe(false);
    expect(inScope({ id: 'a', accountEnabled: true, department: null }, f)).toBe(false);
    expect(inScope({ id: 'a', accountEnabled: true }, f)).toBe(false); // no department: out of the filter
    expect(inScope({ id: 'a', department: 'Sales' }, f)).toBe(true);
    expect(inScope({ id: 'a', accountEnabled: false, department: 'Sales' }, f)).toBe(false);
    expect(inScope({ id: 'a' }, { ...DEFAULT_FILTERS, enabledOnly: false })).toBe(true);
    expect(inScope({ id: 'a', accountEnabled: true }, { ...DEFAULT_FILTERS, jobTitles: ['Chemist'] })).toBe(false);
  });
});
