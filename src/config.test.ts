import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('starts with no configuration on embedded defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database.kind).toBe('sqlite');
    expect(c.masterKey).toBeUndefined();
    expect(c.admin).toBeUndefined();
    expect(c.syncSliceSeconds).toBe(60);
    expect(c.mailSliceSeconds).toBe(30);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('selects PostgreSQL from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
  });

  it('reads SQLite on reader threads, one per core up to two, unless told otherwise', () => {
    const d = loadConfig({}).database;
    expect(d.kind === 'sqlite' && d.readers).toBeGreaterThanOrEqual(1);
    expect(loadConfig({ BAITWISE_SQLITE_READERS: '0' }).database).toMatchObject({ kind: 'sqlite', readers: 0 });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db', BAITWISE_SQLITE_READERS: '3' }).database).toMatchObject({
      kind: 'sqlite',
      file: '/tmp/x.db',
      readers: 3,
    });
    expect(() => loadConfig({ BAITWISE_SQLITE_READERS: '-1' })).toThrow(/BAITWISE_SQLITE_READERS/);
    expect(loadConfig({ BAITWISE_RENDER_THREADS: '0' }).renderThreads).toBe(0);
    expect(() => loadConfig({ BAITWISE_RENDER_THREADS: '9' })).toThrow(/BAITWISE_RENDER_THREADS/);
  });

  it('sizes the PostgreSQL pool by the cores, two each, at most ten, unless told otherwise', () => {
    const url = 'postgres://db.example/baitwise';
    const cores = availableParallelism();
    expect(loadConfig({ DATABASE_URL: url }).database).toMatchObject({
      kind: 'postgres',
      poolSize: Math.max(2, Math.min(10, 2 * cores)),
    });
    expect(loadConfig({ DATABASE_URL: url, BAITWISE_PG_POOL_SIZE: '24' }).database).toMatchObject({ poolSize: 24 });
    expect(() => loadConfig({ DATABASE_URL: url, BAITWISE_PG_POOL_SIZE: '0' })).toThrow(/BAITWISE_PG_POOL_SIZE/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BAITWISE_MASTER_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ BAITWISE_ADMIN_EMAIL: 'a@b.c' })).toThrow(/BAITWISE_ADMIN_PASSWORD/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ BAITWISE_SYNC_SLICE_SECONDS: '1' })).toThrow(/BAITWISE_SYNC_SLICE_SECONDS/);
    expect(() => loadConfig({ BAITWISE_SYNC_SLICE_SECONDS: 'a minute' })).toThrow(ConfigError);
    expect(() => loadConfig({ BAITWISE_MAIL_SLICE_SECONDS: '1' })).toThrow(/BAITWISE_MAIL_SLICE_SECONDS/);
  });

  it('trusts X-Forwarded-For only from the proxies named in BAITWISE_TRUST_PROXY', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ BAITWISE_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ BAITWISE_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1,fd00::/8' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
    ]);
    expect(loadConfig({ BAITWISE_TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    const hops = loadConfig({ BAITWISE_TRUST_PROXY: '2' }).trustProxy;
    expect(typeof hops === 'function' && [0, 1, 2].map((hop) => hops('10.0.0.1', hop))).toEqual([true, true, false]);
    // `true` would believe any client's X-Forwarded-For: refused with what to write instead.
    expect(() => loadConfig({ BAITWISE_TRUST_PROXY: 'true' })).toThrow(/BAITWISE_TRUST_PROXY.*address/);
    expect(() => loadConfig({ BAITWISE_TRUST_PROXY: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ BAITWISE_TRUST_PROXY: '10.0.0.1,proxy.example' })).toThrow(/proxy\.example/);
    expect(() => loadConfig({ BAITWISE_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/10\.0\.0\.0\/33/);
    expect(loadConfig({ BAITWISE_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(() => loadConfig({ BAITWISE_TRUST_PROXY: '11' })).toThrow(ConfigError);
  });
});
