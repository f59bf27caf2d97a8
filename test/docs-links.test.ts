// Every relative link in the repository's Markdown resolves to a file of the repository: a
// fresh clone has nothing beside it, so a link out of it (to ../shared/…) is a dead end.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve('.');
const SKIP = new Set(['node_modules', '.git', 'dist', 'test-results', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

it('has no Markdown link that leaves the repository or points at nothing', () => {
  const broken: string[] = [];
  for (const file of markdownFiles(root)) {
    // code blocks and spans are examples, not links
    const text = readFileSync(file, 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '');
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(target)) continue; // absolute URLs, anchors, site paths
      const path = resolve(dirname(file), decodeURIComponent(target.split('#')[0] ?? ''));
      const inside = path === root || path.startsWith(root + sep);
      if (!inside || !existsSync(path)) broken.push(`${relative(root, file)} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
