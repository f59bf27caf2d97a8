// The wiring rules of docs/architecture.md, checked on the source: services are built in the
// composition root only, route files receive them, and the job layer knows no module. A route
// file that builds its own service (as several once did) gives its process a second token cache
// or job queue; these checks fail before that reaches a user.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const all = files(SRC).map((p) => ({ path: relative(SRC, p), text: readFileSync(p, 'utf8') }));
const routeFiles = all.filter((f) => /^modules\/[^/]+\/([a-z-]+-)?routes\.ts$/.test(f.path));
// Classes whose instances hold state or connections a process must have once.
const SERVICE = /\bnew\s+(\w*(Service|Client|Flow|Tester|Queue|Runner))\s*\(/g;

describe('the composition root', () => {
  it('is the only place services, Microsoft clients and job queues are constructed', () => {
    expect(routeFiles.length).toBeGreaterThan(5);
    const outside = all
      .filter((f) => f.path !== 'composition.ts' && f.path !== 'jobs/worker.ts' && f.path !== 'jobs/queue-for.ts')
      .flatMap((f) => [...f.text.matchAll(SERVICE)].map((m) => `${f.path}: new ${m[1]}(`));
    expect(outside).toEqual([]);
  });

  it('alone picks the job queue (one pg-boss client per process)', () => {
    const callers = all.filter((f) => /\bjobQueueFor\(/.test(f.text)).map((f) => f.path);
    expect(callers).toEqual(['composition.ts']);
  });

  it('is not imported back by route files (they receive services as arguments)', () => {
    const importing = routeFiles
      .filter((f) => /from '\.\.\/\.\.\/(app|composition)\.js'/.test(f.text))
      .map((f) => f.path);
    expect(importing).toEqual([]);
  });

  it('leaves the job layer free of modules: the worker runs whatever definitions it is handed', () => {
    const jobs = all.filter((f) => f.path.startsWith('jobs/'));
    const importsModule = jobs.filter((f) => /from '\.\.\/modules\//.test(f.text)).map((f) => f.path);
    expect(importsModule).toEqual([]);
  });
});

describe('the actor cache', () => {
  // http/actor-cache.ts is dropped when one of its tables is written through the query builder
  // (db/write-watch.ts); a write in raw SQL would go unseen and leave a revoked credential working
  // for up to a second.
  it('sees every write to the tables an actor is made of: none is raw SQL', async () => {
    const { ACTOR_TABLES } = await import('../src/http/actor-cache.js');
    const tables = ACTOR_TABLES.join('|');
    const raw = new RegExp(`(insert\\s+into|update|delete\\s+from)\\s+"?(${tables})\\b`, 'i');
    const offenders = all
      .filter((f) => !f.path.startsWith('db/migrations/'))
      .flatMap((f) => [...f.text.matchAll(/sql`([^`]*)`/g)].filter((m) => raw.test(m[1] ?? '')).map(() => f.path));
    expect(offenders).toEqual([]);
    // the check can fail: it finds such a write where there is one
    expect(raw.test('update sessions set revoked_at = now()')).toBe(true);
  });
});
