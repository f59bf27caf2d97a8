// The content library's API: SCORM uploads (good 1.2 and 2004 packages, and every way a hostile
// zip is refused with nothing left behind), the shared library's scope, and the built-in courses.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { declareSize, manifest12, renameInZip, scorm12, scorm2004, type ZipFileSpec, zip } from '../helpers/scorm.js';

let t: TestApp;
let sys: Session;
let adminA: Session;
let adminB: Session;
let clientA: string;
let clientB: string;

// Small limits so the size checks are reached with small test zips.
const ENV = {
  BAITWISE_TRAINING_PACKAGE_MAX_MB: '2',
  BAITWISE_TRAINING_PACKAGE_MAX_UNPACKED_MB: '3',
  BAITWISE_TRAINING_PACKAGE_MAX_FILES: '20',
};

beforeAll(async () => {
  t = await createTestApp({ env: ENV });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientA = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client A' })).json().id;
  clientB = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client B' })).json().id;
  const pw = 'training content password';
  for (const [email, id] of [
    ['a@content.test', clientA],
    ['b@content.test', clientB],
  ] as const) {
    await t.as(sys, 'POST', '/api/v1/operators', {
      email,
      name: email,
      role: 'client_admin',
      password: pw,
      clientIds: [id],
    });
  }
  adminA = await t.login('a@content.test', pw);
  adminB = await t.login('b@content.test', pw);
});
afterAll(async () => t?.close());

function upload(s: Session, url: string, body: Buffer, type = 'application/zip') {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': type },
    payload: body,
  });
}
const own = (clientId: string) => `/api/v1/clients/${clientId}/training/packages`;
const packagesDir = () => join(t.config.dataDir, 'training', 'packages');
const listDir = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const rows = () => t.db.handle.db.selectFrom('training_packages').select('id').execute();

/** Random letters from a 4-letter alphabet: compresses about 4 times, never like a bomb. */
const text = (bytes: number) => Buffer.from(randomBytes(bytes).map((b) => 97 + (b & 3)));

describe('uploading a SCORM package', () => {
  it('accepts a SCORM 1.2 zip: reads the manifest, unpacks the files, audits the upload', async () => {
    const res = await upload(adminA, own(clientA), await scorm12());
    expect(res.statusCode).toBe(201);
    const pkg = res.json();
    expect(pkg).toMatchObject({
      shared: false,
      title: 'Password basics (SCORM 1.2)',
      scormVersion: '1.2',
      launchHref: 'index.html',
      fileCount: 2,
      archivedAt: null,
    });
    expect(readFileSync(join(packagesDir(), pkg.id, 'index.html'), 'utf8')).toContain('Hello');
    expect(existsSync(join(packagesDir(), pkg.id, 'imsmanifest.xml'))).toBe(true);
    const audit = await t.db.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'training.package.upload')
      .where('target_id', '=', pkg.id)
      .executeTakeFirstOrThrow();
    expect(audit.client_id).toBe(clientA);
    const list = (await t.as(adminA, 'GET', own(clientA))).json().items;
    expect(list.map((p: { id: string }) => p.id)).toContain(pkg.id);
    const library = (await t.as(adminA, 'GET', `/api/v1/clients/${clientA}/training/library`)).json().items;
    expect(library).toContainEqual(expect.objectContaining({ ref: `package:${pkg.id}`, kind: 'scorm', shared: false }));
  });

  it('accepts a SCORM 2004 zip: the default organization, xml:base, query string and language', async () => {
    const res = await upload(adminA, own(clientA), await scorm2004());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      title: 'Sicher im Netz (SCORM 2004)',
      scormVersion: '2004',
      launchHref: 'content/start.html?lesson=1',
      language: 'de',
      description: 'Ein Kurs.',
      fileCount: 4,
    });
    const resolved = await t.app.services.training.library.resolve(clientA, `package:${res.json().id}`);
    expect(resolved?.package).toMatchObject({ version: '2004', launchHref: 'content/start.html?lesson=1' });
    expect(existsSync(join(resolved?.package?.dir ?? '', 'content', 'js', 'app.js'))).toBe(true);
  });

  it('cuts off a chunked upload (no Content-Length) once it passes the limit, keeping nothing', async () => {
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 5; i++) yield randomBytes(512 * 1024);
      })(),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: own(clientB),
      headers: { cookie: adminB.cookie, 'x-csrf-token': adminB.csrf, 'content-type': 'application/zip' },
      payload: body,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.details.reason).toBe('too_large');
    expect(listDir(join(t.config.dataDir, 'training', 'tmp'))).toEqual([]);
  });

  it('clears temporary files a crashed upload left behind a day ago, not those of uploads in progress', async () => {
    const tmp = join(t.config.dataDir, 'training', 'tmp');
    mkdirSync(join(tmp, 'crashed'), { recursive: true });
    writeFileSync(join(tmp, 'crashed.zip'), 'partial');
    mkdirSync(join(tmp, 'recent'), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(tmp, 'crashed'), twoDaysAgo, twoDaysAgo);
    utimesSync(join(tmp, 'crashed.zip'), twoDaysAgo, twoDaysAgo);
    expect((await upload(adminB, own(clientB), await scorm12())).statusCode).toBe(201);
    expect(listDir(tmp)).toEqual(['recent']);
    rmSync(join(tmp, 'recent'), { recursive: true });
  });

  it('refuses a body that is not a zip upload (JSON) with 415', async () => {
    const res = await t.as(adminA, 'POST', own(clientA), { file: 'x' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.message).toMatch(/Content-Type: application\/zip/);
  });
});

describe('a hostile or broken zip is refused, naming the problem, with nothing written', () => {
  const cases: [string, () => Promise<Buffer>, number, string, RegExp][] = [
    [
      'zip-slip: a ../ path',
      async () => renameInZip(await scorm12([{ name: 'aa/evil.txt', data: 'x' }]), 'aa/evil.txt', '../evil.txt'),
      400,
      'unsafe_path',
      /leaves the package folder|relative path/,
    ],
    [
      'zip-slip: an absolute path',
      async () =>
        renameInZip(
          await scorm12([{ name: 'tmp/evil.txt', data: 'x' }]),
          'tmp/evil.txt',
          '/tmp/evil.tx'.padEnd(12, 't'),
        ),
      400,
      'unsafe_path',
      /relative path|absolute/,
    ],
    [
      'zip-slip: a backslash path',
      async () => renameInZip(await scorm12([{ name: 'aa/evil.txt', data: 'x' }]), 'aa/evil.txt', '..\\evil.txt'),
      400,
      'unsafe_path',
      /forward slashes/,
    ],
    [
      'a symbolic link',
      () => scorm12([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]),
      400,
      'symlink',
      /"link" is a symbolic link/,
    ],
    [
      'a bomb: one entry compressed over 100 times',
      () => scorm12([{ name: 'filler.bin', data: Buffer.alloc(2 * 1024 * 1024) }]),
      400,
      'compression_ratio',
      /"filler\.bin" unpacks to 2097152 bytes from \d+: more than 100 times/,
    ],
    [
      'a zip whose directory understates a size',
      async () => declareSize(await scorm12([{ name: 'big.txt', data: 'y'.repeat(50_000) }]), 'big.txt', 10),
      400,
      'size_mismatch',
      /not the size its directory declares/,
    ],
    [
      'more unpacked bytes than allowed',
      () => scorm12([{ name: 'data.txt', data: text(3.5 * 1024 * 1024) }]),
      413,
      'too_large_unpacked',
      /more than 3 MB \(BAITWISE_TRAINING_PACKAGE_MAX_UNPACKED_MB\)/,
    ],
    [
      'more entries than allowed',
      () => scorm12(Array.from({ length: 20 }, (_, i): ZipFileSpec => ({ name: `f${i}.txt`, data: 'x' }))),
      413,
      'too_many_files',
      /22 entries; at most 20/,
    ],
    [
      'a zip larger than the upload limit',
      () => zip([{ name: 'noise.bin', data: randomBytes(2.5 * 1024 * 1024), store: true }]),
      413,
      'too_large',
      /larger than 2 MB \(BAITWISE_TRAINING_PACKAGE_MAX_MB\)/,
    ],
    ['no manifest', () => zip([{ name: 'index.html', data: 'x' }]), 400, 'manifest_missing', /no imsmanifest\.xml/],
    [
      'the manifest in a folder',
      () =>
        zip([
          { name: 'course/imsmanifest.xml', data: manifest12() },
          { name: 'course/index.html', data: 'x' },
        ]),
      400,
      'manifest_missing',
      /must be at the zip's root.*course\/imsmanifest\.xml/,
    ],
    [
      'a launch file missing from the zip',
      () => zip([{ name: 'imsmanifest.xml', data: manifest12({ href: 'start/lesson.html' }) }]),
      400,
      'launch_missing',
      /launches "start\/lesson\.html", which is not in the zip/,
    ],
    [
      'a launch file outside the package',
      () => zip([{ name: 'imsmanifest.xml', data: manifest12({ href: '../../etc/passwd' }) }]),
      400,
      'manifest_invalid',
      /leaves the package folder/,
    ],
    [
      'a manifest without an organization',
      () =>
        zip([
          {
            name: 'imsmanifest.xml',
            data: '<manifest><metadata><schemaversion>1.2</schemaversion></metadata></manifest>',
          },
        ]),
      400,
      'manifest_invalid',
      /has no <organization>/,
    ],
    [
      'a manifest of an unsupported version',
      () =>
        zip([
          { name: 'imsmanifest.xml', data: manifest12().replace('>1.2<', '>1.1<') },
          { name: 'index.html', data: 'x' },
        ]),
      400,
      'manifest_invalid',
      /schemaversion "1\.1"/,
    ],
    ['not a zip', async () => Buffer.from('this is not a zip file at all'), 400, 'not_a_zip', /not a readable zip/],
    ['an empty body', async () => Buffer.alloc(0), 400, 'empty', /body is empty/],
  ];

  for (const [name, build, status, reason, message] of cases) {
    it(name, async () => {
      const before = await rows();
      const dirBefore = listDir(packagesDir());
      const res = await upload(adminB, own(clientB), await build());
      expect(res.statusCode).toBe(status);
      const error = res.json().error;
      expect(error.code).toBe('package_rejected');
      expect(error.details).toMatchObject({ field: 'package', reason });
      expect(error.message).toMatch(message);
      expect(await rows()).toEqual(before);
      expect(listDir(packagesDir())).toEqual(dirBefore);
      expect(listDir(join(t.config.dataDir, 'training', 'tmp'))).toEqual([]);
      expect(existsSync(join(t.config.dataDir, 'evil.txt'))).toBe(false);
      expect(existsSync(join(t.config.dataDir, 'training', 'evil.txt'))).toBe(false);
    });
  }
});

describe('tenancy and the shared library', () => {
  let pkgA: string;
  let shared: string;
  beforeAll(async () => {
    pkgA = (await upload(adminA, own(clientA), await scorm12())).json().id;
    const res = await upload(sys, '/api/v1/training/packages', await scorm2004());
    expect(res.statusCode).toBe(201);
    shared = res.json().id;
  });

  it("answers 404 for another client's package on every route of the own client", async () => {
    const url = `${own(clientB)}/${pkgA}`;
    expect((await t.as(adminB, 'GET', url)).statusCode).toBe(404);
    expect((await t.as(adminB, 'PATCH', url, { archived: true })).statusCode).toBe(404);
    expect((await t.as(adminB, 'DELETE', url)).statusCode).toBe(404);
    const list = (await t.as(adminB, 'GET', `${own(clientB)}?includeArchived=true`)).json().items;
    expect(list.map((p: { id: string }) => p.id)).not.toContain(pkgA);
    const library = (await t.as(adminB, 'GET', `/api/v1/clients/${clientB}/training/library`)).body;
    expect(library).not.toContain(pkgA);
    expect(await t.app.services.training.library.resolve(clientB, `package:${pkgA}`)).toBeUndefined();
    expect((await t.as(adminA, 'GET', `${own(clientA)}/${pkgA}`)).statusCode).toBe(200);
  });

  it('lets every client read a shared package but only a system administrator change it', async () => {
    for (const [s, c] of [
      [adminA, clientA],
      [adminB, clientB],
    ] as const) {
      const got = await t.as(s, 'GET', `${own(c)}/${shared}`);
      expect(got.statusCode).toBe(200);
      expect(got.json().shared).toBe(true);
      expect(await t.app.services.training.library.resolve(c, `package:${shared}`)).toBeDefined();
      const patch = await t.as(s, 'PATCH', `${own(c)}/${shared}`, { archived: true });
      expect(patch.statusCode).toBe(403);
      expect(patch.json().error.message).toMatch(/shared library/);
      expect((await t.as(s, 'DELETE', `${own(c)}/${shared}`)).statusCode).toBe(403);
    }
    expect((await upload(adminA, '/api/v1/training/packages', await scorm12())).statusCode).toBe(403);
    expect((await t.as(adminA, 'PATCH', `/api/v1/training/packages/${shared}`, { archived: true })).statusCode).toBe(
      403,
    );
    // A client's own package is not the shared library's.
    expect((await t.as(sys, 'GET', `/api/v1/training/packages/${pkgA}`)).statusCode).toBe(404);

    const archived = await t.as(sys, 'PATCH', `/api/v1/training/packages/${shared}`, { archived: true });
    expect(archived.statusCode).toBe(200);
    expect(archived.json().archivedAt).not.toBeNull();
    expect(await t.app.services.training.library.resolve(clientA, `package:${shared}`)).toBeUndefined();
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${clientA}/training/library`)).body).not.toContain(shared);
    const audit = await t.db.handle.db
      .selectFrom('audit_log')
      .select(['client_id', 'action'])
      .where('target_id', '=', shared)
      .orderBy('at')
      .execute();
    expect(audit).toEqual([
      { client_id: null, action: 'training.package.upload' },
      { client_id: null, action: 'training.package.archive' },
    ]);
  });

  it('deletes a package with its files', async () => {
    const id = (await upload(adminA, own(clientA), await scorm12())).json().id;
    expect(existsSync(join(packagesDir(), id))).toBe(true);
    expect((await t.as(adminA, 'DELETE', `${own(clientA)}/${id}`)).statusCode).toBe(204);
    expect(existsSync(join(packagesDir(), id))).toBe(false);
    expect((await t.as(adminA, 'GET', `${own(clientA)}/${id}`)).statusCode).toBe(404);
  });
});

describe('built-in courses', () => {
  it('lists them in the library and previews one in German', async () => {
    const items = (await t.as(adminA, 'GET', `/api/v1/clients/${clientA}/training/library`)).json().items;
    expect(items).toContainEqual(
      expect.objectContaining({ ref: 'builtin:recognising-phishing', kind: 'builtin', shared: true, passMark: 80 }),
    );
    const de = await t.as(
      adminA,
      'GET',
      `/api/v1/clients/${clientA}/training/courses/recognising-phishing?language=de`,
    );
    expect(de.statusCode).toBe(200);
    expect(de.json()).toMatchObject({ language: 'de', title: 'Phishing erkennen' });
    expect(de.json().quiz.questions.length).toBeGreaterThanOrEqual(5);
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${clientA}/training/courses/no-such-course`)).statusCode).toBe(
      404,
    );
  });

  it('serves a page image with a policy that runs nothing, and nothing else from the course folder', async () => {
    const img = await t.app.inject({
      method: 'GET',
      url: '/training-assets/courses/recognising-phishing/phishing-signs.en.svg',
    });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/svg+xml');
    expect(img.headers['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
    expect(img.body).toContain('<svg');
    for (const file of ['quiz.en.json', 'course.en.md', '..%2F..%2Fpackage.json']) {
      const res = await t.app.inject({ method: 'GET', url: `/training-assets/courses/recognising-phishing/${file}` });
      expect(res.statusCode).toBe(404);
    }
  });
});
