// Reported messages survive a master-key rotation: the rotation re-wraps the client's storage key
// (one client_keys row) and never touches the files, which then open with the new master key alone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/cli/rotate-master-key.js';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { ClientKeys } from '../../src/lib/client-keys.js';
import { SecretBox } from '../../src/lib/crypto.js';
import { newId, nowIso } from '../../src/lib/ids.js';
import { loadMasterKeys } from '../../src/lib/master-key.js';
import { openEml } from '../../src/modules/incidents/eml-store.js';
import { openRuntime } from '../../src/runtime.js';
import { createTestDatabase } from '../helpers/db.js';
import { eml } from '../helpers/incidents.js';

const dataDir = mkdtempSync(join(tmpdir(), 'baitwise-incidents-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('reported messages and master-key rotation', () => {
  it('opens a stored message with the new master key alone after a rotation', async () => {
    const db = await createTestDatabase();
    const rt = await openRuntime({
      config: { ...loadConfig({ BAITWISE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), database: db.config },
    });
    const c = compose(rt);
    try {
      const clientId = newId();
      const now = nowIso();
      await rt.db.db
        .insertInto('clients')
        .values({
          id: clientId,
          name: 'Rotating',
          name_key: 'rotating',
          archived_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const message = eml({ subject: 'Before the rotation' });
      const { row } = await c.services.incidents.recorder.record({
        clientId,
        reporter: { address: 'r@client.example', objectId: null },
        verified: false,
        counted: true,
        source: 'mailbox',
        graphMessageId: null,
        eml: message,
        reportingOption: null,
        freeText: null,
      });
      const file = readFileSync(join(dataDir, row.eml_path));
      const result = await rotateMasterKey(rt, undefined);
      expect(result.rewrapped).toBeGreaterThanOrEqual(1);
      // The file was not rewritten…
      expect(readFileSync(join(dataDir, row.eml_path)).equals(file)).toBe(true);
      // …and opens with the client's storage key as unwrapped by the new master key only.
      const onlyNew = new SecretBox(loadMasterKeys(undefined, dataDir, () => {}).current);
      const key = await new ClientKeys(rt.db.db, onlyNew, 'reported-messages').key(clientId);
      expect((await openEml(key, clientId, row.id, file)).equals(message)).toBe(true);
      // Another client's id in the additional data does not open it.
      await expect(openEml(key, newId(), row.id, file)).rejects.toThrow(/authentication failed/);
    } finally {
      await c.close();
      await rt.close();
      await db.drop();
    }
  });
});
