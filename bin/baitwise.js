#!/usr/bin/env node
// `npx baitwise …` from the repository: runs the TypeScript source through tsx when it is
// installed (always current), else the compiled dist/ of `npm run build`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/cli/index.ts');
let hasTsx = false;
try {
  createRequire(import.meta.url).resolve('tsx/esm/api');
  hasTsx = true;
} catch {}
if (hasTsx && existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(join(root, 'dist/src/cli/index.js')).href);
}
