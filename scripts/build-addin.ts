// Bundles the report add-in's runtime (addin/src/report.ts, with MSAL.js) into addin/build/report.js,
// the file /addin/report.js serves. Run by `npm run build` and, when the bundle is missing or older
// than its source, by the tests' global set-up. Usage: npx tsx scripts/build-addin.ts
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const ADDIN_ENTRY = `${root}addin/src/report.ts`;
export const ADDIN_BUNDLE = `${root}addin/build/report.js`;

const mtime = (f: string) => {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return 0;
  }
};

export async function buildAddin(opts: { ifStale?: boolean } = {}): Promise<void> {
  if (opts.ifStale && mtime(ADDIN_BUNDLE) > mtime(ADDIN_ENTRY)) return;
  mkdirSync(`${root}addin/build`, { recursive: true });
  await build({
    entryPoints: [ADDIN_ENTRY],
    outfile: ADDIN_BUNDLE,
    bundle: true,
    format: 'iife',
    // Outlook on the web and new Outlook run Edge/Chromium; classic Windows' JavaScript runtime is ES2017+.
    target: 'es2019',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildAddin();
