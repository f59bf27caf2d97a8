// The streamed zip (export.ts): entries written in many chunks, with their CRC and sizes after the
// data, read back byte for byte through the central directory with a strict reader (yauzl checks
// every entry's size and CRC), as a spreadsheet application reads the XLSX.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import yauzl from 'yauzl';
import { zipChunks } from './export.js';

async function readZip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

it('writes entries of any length as they come, readable byte for byte', async () => {
  const big = Array.from({ length: 40 }, () => randomBytes(64 * 1024)); // 2.5 MB, incompressible
  const text = Array.from({ length: 1000 }, (_, i) => Buffer.from(`<row r="${i}">Zoë ${i}</row>`, 'utf8'));
  const gen = async function* (chunks: Buffer[]) {
    yield* chunks;
  };
  const chunks: Buffer[] = [];
  for await (const c of zipChunks([
    { name: 'random.bin', data: gen(big) },
    { name: 'dir/ünïcode.xml', data: gen(text) },
    { name: 'empty.txt', data: gen([]) },
  ]))
    chunks.push(c);
  const files = await readZip(Buffer.concat(chunks));
  expect([...files.keys()]).toEqual(['random.bin', 'dir/ünïcode.xml', 'empty.txt']);
  expect(files.get('random.bin')?.equals(Buffer.concat(big))).toBe(true);
  expect(files.get('dir/ünïcode.xml')?.equals(Buffer.concat(text))).toBe(true);
  expect(files.get('empty.txt')?.length).toBe(0);
});
