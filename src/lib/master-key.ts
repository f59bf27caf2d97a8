// Where the master key comes from: BAITWISE_MASTER_KEY, or a file generated on first start in
// the data directory (mode 0600) with a warning, so `npm start` works with no configuration.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMasterKey, type MasterKey, masterKeyFromBase64 } from './crypto.js';

export const masterKeyFile = (dataDir: string) => join(dataDir, 'master.key');
export const previousKeyFile = (dataDir: string) => join(dataDir, 'master.key.previous');

export interface LoadedKeys {
  current: MasterKey;
  previous: MasterKey[];
  source: 'env' | 'file' | 'generated';
}

function readKeyFile(path: string): MasterKey {
  return masterKeyFromBase64(readFileSync(path, 'utf8').trim());
}

export function loadMasterKeys(
  masterKeyEnv: string | undefined,
  dataDir: string,
  warn: (msg: string) => void,
): LoadedKeys {
  // A previous key is kept after a file-based rotation until no blob needs it; reading it
  // costs nothing and lets a half-finished rotation still decrypt.
  const previous = existsSync(previousKeyFile(dataDir)) ? [readKeyFile(previousKeyFile(dataDir))] : [];
  if (masterKeyEnv) return { current: masterKeyFromBase64(masterKeyEnv), previous, source: 'env' };
  const file = masterKeyFile(dataDir);
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { current: readKeyFile(file), previous, source: 'file' };
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${generateMasterKey()}\n`, { mode: 0o600, flag: 'wx' });
  warn(
    `Generated a master key at ${file}. Back it up: without it the stored secrets cannot be read. ` +
      'In production set BAITWISE_MASTER_KEY instead.',
  );
  return { current: readKeyFile(file), previous, source: 'generated' };
}

/** After a file-based rotation: the new key becomes master.key, the old one master.key.previous. */
export function installRotatedKeyFile(dataDir: string, newKeyB64: string): void {
  const file = masterKeyFile(dataDir);
  const tmp = `${file}.new`;
  writeFileSync(tmp, `${newKeyB64}\n`, { mode: 0o600 });
  if (existsSync(file)) renameSync(file, previousKeyFile(dataDir));
  renameSync(tmp, file);
}
