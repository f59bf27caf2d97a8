// Writes the report add-in's icons (addin/assets/icon-<size>.png): Outlook asks for 16, 32 and 80
// px button images and 64/128 px add-in icons, all served by Baitwise over https. A plain drawing
// (a white envelope with a red warning dot on Baitwise blue) generated here, so the PNGs in the
// repository can be reproduced: `npx tsx scripts/addin-icons.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 64, 80, 128];
const OUT = join(import.meta.dirname, '..', 'addin', 'assets');

type Rgba = [number, number, number, number];
const BLUE: Rgba = [34, 139, 230, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const RED: Rgba = [224, 49, 49, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** The colour of pixel (x, y) in unit coordinates (0..1), so every size draws the same picture. */
function paint(u: number, v: number, px: number): Rgba {
  // Rounded square background.
  const r = 0.2;
  const dx = Math.max(r - u, 0, u - (1 - r));
  const dy = Math.max(r - v, 0, v - (1 - r));
  if (dx * dx + dy * dy > r * r) return CLEAR;
  // Warning dot, top right.
  const cx = u - 0.74;
  const cy = v - 0.3;
  if (cx * cx + cy * cy < 0.16 * 0.16) return RED;
  // Envelope: a white rectangle with a blue "V" flap line.
  const inEnvelope = u > 0.16 && u < 0.84 && v > 0.36 && v < 0.8;
  if (!inEnvelope) return BLUE;
  const line = Math.max(1.2 * px, 0.05);
  const flap = 0.36 + (0.5 - Math.abs(u - 0.5)) * 0.6;
  return Math.abs(v - flap) < line / 2 ? BLUE : WHITE;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function png(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (none), then RGBA
    for (let x = 0; x < size; x++) {
      row.set(paint((x + 0.5) / size, (y + 0.5) / size, 1 / size), 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of SIZES) writeFileSync(join(OUT, `icon-${size}.png`), png(size));
console.log(`wrote ${SIZES.map((s) => `icon-${s}.png`).join(', ')} to ${OUT}`);
