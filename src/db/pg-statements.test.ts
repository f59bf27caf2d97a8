import { describe, expect, it } from 'vitest';
import { HOT_AFTER, MAX_NAMED, StatementNames } from './pg-statements.js';

describe('which PostgreSQL query texts are prepared', () => {
  it('names a text once it has been seen often enough, and always by the same name', () => {
    const names = new StatementNames();
    const text = 'select 1 where $1 = $1';
    for (let i = 1; i < HOT_AFTER; i++) expect(names.nameFor(text)).toBeUndefined();
    const name = names.nameFor(text);
    expect(name).toMatch(/^bw_[\w-]+$/);
    expect(names.nameFor(text)).toBe(name);
    expect(new StatementNames().nameFor(text)).toBeUndefined();
  });

  it('gives different texts different names', () => {
    const names = new StatementNames();
    const named = (t: string) => {
      for (let i = 1; i < HOT_AFTER; i++) names.nameFor(t);
      return names.nameFor(t);
    };
    expect(named('select $1')).not.toBe(named('select $1, $2'));
  });

  it('never names a text with a LIKE, however often it runs: its plan must be made for the pattern', () => {
    const names = new StatementNames();
    const search = `select id from recipients where client_id = $1 and lower(email_key) like lower($2) escape '\\'`;
    for (let i = 0; i < HOT_AFTER * 3; i++) expect(names.nameFor(search)).toBeUndefined();
    expect(names.nameFor('select id from recipients where name ILIKE $1')).toBeUndefined();
    // a word that only contains it is no LIKE
    const other = 'select likely_spam from reports where id = $1';
    for (let i = 1; i < HOT_AFTER; i++) names.nameFor(other);
    expect(names.nameFor(other)).toBeDefined();
    expect(names.size).toBe(1);
  });

  it('stops naming new texts at the cap, so texts that vary with their values cannot grow the server without limit', () => {
    const names = new StatementNames();
    const hot = (t: string) => {
      let n: string | undefined;
      for (let i = 0; i < HOT_AFTER; i++) n = names.nameFor(t);
      return n;
    };
    for (let i = 0; i < MAX_NAMED; i++) expect(hot(`select $1 in (${'$1,'.repeat(i)}$1)`)).toBeDefined();
    expect(names.size).toBe(MAX_NAMED);
    expect(hot('select $1 -- one more')).toBeUndefined();
    // the ones already named keep their names
    expect(names.nameFor('select $1 in ($1)')).toBeDefined();
    expect(names.size).toBe(MAX_NAMED);
  });
});
