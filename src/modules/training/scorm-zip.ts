// Reading an uploaded SCORM zip safely. The zip is untrusted: every check is made on the central
// directory before a byte is unpacked (names, symlinks, entry count, declared sizes, per-entry
// compression ratio), and again while unpacking, where yauzl compares each entry's real size with
// the declared one (a zip that lies about its sizes to slip past the first check fails there).
//
// Files are unpacked into a folder the caller later renames into place, so a refused package
// leaves nothing behind; `unpack` removes its folder itself when it fails.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../lib/errors.js';

export interface ZipLimits {
  maxFiles: number;
  maxUnpackedBytes: number;
}

/** A refused package: 400 (413 for sizes), `reason` says which check, the message what to fix. */
export class PackageRejectedError extends AppError {
  constructor(reason: string, message: string, status = 400) {
    super(status, 'package_rejected', message, { field: 'package', reason });
  }
}

/**
 * Above this ratio an entry is taken for a bomb. Real course files (HTML, JS, JSON, media)
 * compress 2–20 times; a bomb's filler compresses about 1,000 times. Small entries are exempt:
 * a few kilobytes of repeated text can compress well without being a danger.
 */
export const MAX_RATIO = 100;
const RATIO_EXEMPT_BYTES = 1024 * 1024;
const MAX_NAME_LENGTH = 512;
/** the S_IFMT bits of a Unix mode in the upper half of externalFileAttributes */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export interface ZipEntryInfo {
  name: string;
  size: number;
}

export interface OpenedZip {
  zip: ZipFile;
  files: Map<string, Entry>;
  totalBytes: number;
  close(): void;
}

const open = (file: string) =>
  new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true, decodeStrings: true },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    ),
  );

/** yauzl's own refusals of a name, in our words (they come before we see the entry). */
function fromYauzl(err: Error): Error {
  // the file system's own errors (disk full, permissions) are ours, not the upload's fault
  if (typeof (err as NodeJS.ErrnoException).code === 'string') return err;
  const m = err.message;
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(m))
    return new PackageRejectedError(
      'unsafe_path',
      `The zip holds a file whose name leaves the package folder or is not a plain relative path (${m}). Rebuild the package with relative names using forward slashes.`,
    );
  if (/too many bytes|too few bytes|size mismatch/.test(m))
    return new PackageRejectedError(
      'size_mismatch',
      `A file in the zip is not the size its directory declares (${m}): the zip is corrupt or built to evade the size checks.`,
    );
  return new PackageRejectedError('not_a_zip', `The upload is not a readable zip file (${m}).`);
}

/** Checks a name beyond yauzl's rules (it already refuses absolute paths, .. segments and backslashes). */
function unsafeName(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return 'is longer than 512 characters';
  if ([...name].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20)) return 'holds control characters';
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').some((seg) => seg === '..' || seg === '.')) return 'has a . or .. segment';
  return undefined;
}

/** Reads the central directory and checks every entry; nothing is unpacked yet. */
export async function openZip(file: string, limits: ZipLimits): Promise<OpenedZip> {
  let zip: ZipFile;
  try {
    zip = await open(file);
  } catch (e) {
    throw fromYauzl(e as Error);
  }
  const close = () => zip.close();
  try {
    if (zip.entryCount > limits.maxFiles)
      throw new PackageRejectedError(
        'too_many_files',
        `The zip holds ${zip.entryCount} entries; at most ${limits.maxFiles} are accepted (BAITWISE_TRAINING_PACKAGE_MAX_FILES).`,
        413,
      );
    const files = new Map<string, Entry>();
    let totalBytes = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(e instanceof PackageRejectedError ? e : fromYauzl(e)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        try {
          const name = entry.fileName;
          const bad = unsafeName(name);
          if (bad) throw new PackageRejectedError('unsafe_path', `The zip entry "${name.slice(0, 100)}" ${bad}.`);
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          if (mode === S_IFLNK)
            throw new PackageRejectedError(
              'symlink',
              `The zip entry "${name}" is a symbolic link; a package holds only files and folders.`,
            );
          if (!name.endsWith('/')) {
            if (files.has(name)) throw new PackageRejectedError('duplicate_entry', `The zip holds "${name}" twice.`);
            const size = entry.uncompressedSize;
            totalBytes += size;
            if (totalBytes > limits.maxUnpackedBytes)
              throw new PackageRejectedError(
                'too_large_unpacked',
                `Unpacked, the zip would take more than ${mb(limits.maxUnpackedBytes)} MB (BAITWISE_TRAINING_PACKAGE_MAX_UNPACKED_MB).`,
                413,
              );
            if (size > RATIO_EXEMPT_BYTES && size > entry.compressedSize * MAX_RATIO)
              throw new PackageRejectedError(
                'compression_ratio',
                `The zip entry "${name}" unpacks to ${size} bytes from ${entry.compressedSize}: more than ${MAX_RATIO} times its compressed size, the mark of a zip bomb.`,
              );
            files.set(name, entry);
          }
          zip.readEntry();
        } catch (e) {
          reject(e);
        }
      });
      zip.readEntry();
    });
    return { zip, files, totalBytes, close };
  } catch (e) {
    close();
    throw e;
  }
}

const openStream = (zip: ZipFile, entry: Entry) =>
  new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => (err ? reject(fromYauzl(err)) : resolve(stream))),
  );

/** One entry's content, refused above `max` bytes (the manifest is read into memory). */
export async function readEntry(opened: OpenedZip, name: string, max: number): Promise<Buffer | undefined> {
  const entry = opened.files.get(name);
  if (!entry) return undefined;
  if (entry.uncompressedSize > max)
    throw new PackageRejectedError('manifest_invalid', `${name} is larger than ${max} bytes.`);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await openStream(opened.zip, entry)) chunks.push(chunk as Buffer);
  } catch (e) {
    throw e instanceof PackageRejectedError ? e : fromYauzl(e as Error);
  }
  return Buffer.concat(chunks);
}

/**
 * Writes every file under `dir` (created here, removed again on any failure). The running total
 * is counted on the bytes actually written, not on what the directory declared.
 */
export async function unpack(opened: OpenedZip, dir: string, limits: ZipLimits): Promise<void> {
  let written = 0;
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, entry] of opened.files) {
      const target = join(dir, name);
      // openZip refused every name that could leave `dir`; this re-checks the joined result anyway.
      if (!target.startsWith(`${dir}/`))
        throw new PackageRejectedError('unsafe_path', `The zip entry "${name}" leaves the package folder.`);
      await mkdir(dirname(target), { recursive: true });
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          written += chunk.length;
          if (written > limits.maxUnpackedBytes)
            done(
              new PackageRejectedError(
                'too_large_unpacked',
                `Unpacked, the zip takes more than ${mb(limits.maxUnpackedBytes)} MB (BAITWISE_TRAINING_PACKAGE_MAX_UNPACKED_MB).`,
                413,
              ),
            );
          else done(null, chunk);
        },
      });
      try {
        await pipeline(await openStream(opened.zip, entry), count, createWriteStream(target, { flags: 'wx' }));
      } catch (e) {
        throw e instanceof PackageRejectedError ? e : fromYauzl(e as Error);
      }
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
