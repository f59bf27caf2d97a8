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
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('selects PostgreSQL from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BAITWISE_MASTER_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ BAITWISE_ADMIN_EMAIL: 'a@b.c' })).toThrow(/BAITWISE_ADMIN_PASSWORD/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ BAITWISE_SYNC_SLICE_SECONDS: '1' })).toThrow(/BAITWISE_SYNC_SLICE_SECONDS/);
    expect(() => loadConfig({ BAITWISE_SYNC_SLICE_SECONDS: 'a minute' })).toThrow(ConfigError);
  });
});
