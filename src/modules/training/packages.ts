// SCORM packages: upload (checked, unpacked, recorded), list, read, archive, delete.
//
// `scope` is the owning client's id, or null for the shared library a system administrator
// publishes to every client. A client reads its own packages and the shared ones; it writes only
// its own (the routes decide who may act on which scope; this service never widens it).
//
// An upload is written to <dataDir>/training/tmp/ first (the zip, then its unpacked folder) and
// renamed into <dataDir>/training/packages/<id>/ only when every check passed; the row is inserted
// after the rename and the folder removed again if that fails, so nothing half-written remains.
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import type { TrainingPackagesTable } from '../../db/types.js';
import type { Actor } from '../../http/actor.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { packagesRoot } from './content.js';
import { readManifest } from './scorm-manifest.js';
import { openZip, PackageRejectedError, readEntry, unpack, type ZipLimits } from './scorm-zip.js';

const MANIFEST = 'imsmanifest.xml';
/** An upload's temporary files older than this were left by a process that died mid-upload. */
const STALE_TMP_MS = 24 * 3600 * 1000;

async function sweepStale(tmp: string): Promise<void> {
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const path = join(tmp, name);
    const s = await stat(path).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > STALE_TMP_MS) await rm(path, { recursive: true, force: true });
  }
}
const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface PackageView {
  id: string;
  /** published to every client by a system administrator */
  shared: boolean;
  title: string;
  description: string | null;
  language: string | null;
  scormVersion: '1.2' | '2004';
  launchHref: string;
  fileCount: number;
  sizeBytes: number;
  uploadedBy: string | null;
  createdAt: string;
  archivedAt: string | null;
}

const view = (r: TrainingPackagesTable): PackageView => ({
  id: r.id,
  shared: r.client_id === null,
  title: r.title,
  description: r.description,
  language: r.language,
  scormVersion: r.scorm_version,
  launchHref: r.launch_href,
  fileCount: r.file_count,
  sizeBytes: r.size_bytes,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
  archivedAt: r.archived_at,
});

type Limits = Pick<Config, 'dataDir' | 'training'>;

export class PackageService {
  constructor(
    private readonly db: Db,
    private readonly config: Limits,
  ) {}

  private get limits(): ZipLimits & { maxBytes: number } {
    const t = this.config.training;
    return { maxFiles: t.packageMaxFiles, maxUnpackedBytes: t.packageMaxUnpackedBytes, maxBytes: t.packageMaxBytes };
  }

  /** A client's own packages and the shared ones (scope null: the shared ones only). */
  async list(scope: string | null, includeArchived = false): Promise<PackageView[]> {
    let q = this.db.selectFrom('training_packages').selectAll();
    q =
      scope === null
        ? q.where('client_id', 'is', null)
        : q.where((eb) => eb.or([eb('client_id', '=', scope), eb('client_id', 'is', null)]));
    if (!includeArchived) q = q.where('archived_at', 'is', null);
    return (await q.orderBy('created_at', 'desc').orderBy('id').execute()).map(view);
  }

  async get(scope: string | null, id: string): Promise<PackageView> {
    return view(await this.readable(scope, id));
  }

  private async readable(scope: string | null, id: string): Promise<TrainingPackagesTable> {
    const row = await this.db
      .selectFrom('training_packages')
      .selectAll()
      .where('id', '=', id)
      .where((eb) =>
        scope === null
          ? eb('client_id', 'is', null)
          : eb.or([eb('client_id', '=', scope), eb('client_id', 'is', null)]),
      )
      .executeTakeFirst();
    if (!row) throw new NotFoundError('Package');
    return row;
  }

  /** The row `scope` may change: its own; a shared one only through the shared library's routes. */
  private async writable(scope: string | null, id: string): Promise<TrainingPackagesTable> {
    const row = await this.readable(scope, id);
    if (row.client_id !== scope)
      throw new ForbiddenError(
        'This package is in the shared library: only a system administrator changes it (under /api/v1/training/packages).',
      );
    return row;
  }

  async upload(actor: Actor, scope: string | null, body: Readable, declaredLength?: number): Promise<PackageView> {
    const { maxBytes } = this.limits;
    const tooLarge = () =>
      new PackageRejectedError(
        'too_large',
        `The zip is larger than ${maxBytes / (1024 * 1024)} MB (BAITWISE_TRAINING_PACKAGE_MAX_MB).`,
        413,
      );
    if (declaredLength !== undefined && declaredLength > maxBytes) throw tooLarge();
    const tmp = join(this.config.dataDir, 'training', 'tmp');
    await mkdir(tmp, { recursive: true });
    await sweepStale(tmp);
    const id = newId();
    const zipFile = join(tmp, `${id}.zip`);
    const unpacked = join(tmp, id);
    try {
      let received = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          if (received > maxBytes) done(tooLarge());
          else done(null, chunk);
        },
      });
      await pipeline(body, limit, createWriteStream(zipFile));
      if (received === 0)
        throw new PackageRejectedError('empty', 'The request body is empty: send the zip itself as the body.');

      const opened = await openZip(zipFile, this.limits);
      let manifest: ReturnType<typeof readManifest>;
      try {
        const xml = await readEntry(opened, MANIFEST, MAX_MANIFEST_BYTES);
        if (!xml) {
          const nested = [...opened.files.keys()].find((n) => n.endsWith(`/${MANIFEST}`));
          throw new PackageRejectedError(
            'manifest_missing',
            nested
              ? `imsmanifest.xml must be at the zip's root, not in a folder (found ${nested}). Zip the contents of that folder instead.`
              : 'The zip has no imsmanifest.xml: it is not a SCORM package.',
          );
        }
        manifest = readManifest(xml.toString('utf8'));
        if (!opened.files.has(manifest.launchFile))
          throw new PackageRejectedError(
            'launch_missing',
            `imsmanifest.xml launches "${manifest.launchFile}", which is not in the zip.`,
          );
        await unpack(opened, unpacked, this.limits);
      } finally {
        opened.close();
      }

      const root = packagesRoot(this.config.dataDir);
      await mkdir(root, { recursive: true });
      const final = join(root, id);
      await rename(unpacked, final);
      const now = nowIso();
      const row: TrainingPackagesTable = {
        id,
        client_id: scope,
        title: manifest.title,
        description: manifest.description,
        language: manifest.language,
        scorm_version: manifest.version,
        launch_href: manifest.launchHref,
        file_count: opened.files.size,
        size_bytes: opened.totalBytes,
        uploaded_by: actor.operatorId,
        created_at: now,
        updated_at: now,
        archived_at: null,
      };
      try {
        await this.db.transaction().execute(async (trx) => {
          await trx.insertInto('training_packages').values(row).execute();
          await recordAudit(trx, actor, {
            clientId: scope,
            action: 'training.package.upload',
            targetType: 'training_package',
            targetId: id,
            details: {
              title: row.title,
              scormVersion: row.scorm_version,
              files: row.file_count,
              shared: scope === null,
            },
          });
        });
      } catch (e) {
        await rm(final, { recursive: true, force: true });
        throw e;
      }
      return view(row);
    } finally {
      await rm(zipFile, { force: true });
      await rm(unpacked, { recursive: true, force: true });
    }
  }

  /** Archived: kept (running campaigns still play it), no longer offered for new campaigns. */
  async setArchived(actor: Actor, scope: string | null, id: string, archived: boolean): Promise<PackageView> {
    const row = await this.writable(scope, id);
    if ((row.archived_at !== null) === archived) return view(row);
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('training_packages')
        .set({ archived_at: archived ? now : null, updated_at: now })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, actor, {
        clientId: scope,
        action: archived ? 'training.package.archive' : 'training.package.restore',
        targetType: 'training_package',
        targetId: id,
        details: { title: row.title },
      });
    });
    return this.get(scope, id);
  }

  /** Only a package no campaign names (else archive it: its learners' records refer to it). */
  async delete(actor: Actor, scope: string | null, id: string): Promise<void> {
    const row = await this.writable(scope, id);
    await this.db.transaction().execute(async (trx) => {
      const used = await trx
        .selectFrom('training_campaigns')
        .select('id')
        .where('content_ref', '=', `package:${id}`)
        .executeTakeFirst();
      if (used) throw new ConflictError('packageId', 'Campaigns use this package: archive it instead of deleting it.');
      await trx.deleteFrom('training_packages').where('id', '=', id).execute();
      await recordAudit(trx, actor, {
        clientId: scope,
        action: 'training.package.delete',
        targetType: 'training_package',
        targetId: id,
        details: { title: row.title },
      });
    });
    await rm(join(packagesRoot(this.config.dataDir), id), { recursive: true, force: true });
  }
}
