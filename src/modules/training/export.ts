// Results as files: CSV and XLSX. Both are opened in spreadsheets, which run a cell that starts
// with = + - @ (or a tab or carriage return before one) as a formula: every text cell that starts
// so is prefixed with an apostrophe, which spreadsheets show as text. The XLSX is written here
// (one sheet of inline strings in a zip) rather than with a spreadsheet library: it is a few
// fixed XML parts, and node:zlib has deflate and CRC-32.
//
// Both are written as they go, a page of rows at a time: a campaign of 100,000 learners is never
// held in memory as rows, text or zip, and the download starts with the first page. The zip puts
// each entry's CRC and sizes after its data (a data descriptor), so nothing waits for the end.
import { Readable } from 'node:stream';
import { crc32, createDeflateRaw } from 'node:zlib';

export type Cell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet shows as text, never runs. */
export const safeText = (s: string): string => (FORMULA_START.test(s) ? `'${s}` : s);

const csvCell = (v: Cell): string => {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const s = safeText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const csvLine = (r: Cell[]) => `${r.map(csvCell).join(',')}\r\n`;

/** RFC 4180 CSV with a BOM (so Excel reads UTF-8) and CRLF line ends, a page of rows at a time. */
export async function* csvChunks(header: string[], pages: AsyncIterable<Cell[][]>): AsyncGenerator<Buffer> {
  yield Buffer.from(`\uFEFF${csvLine(header)}`, 'utf8');
  for await (const rows of pages) if (rows.length) yield Buffer.from(rows.map(csvLine).join(''), 'utf8');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML 1.0 cannot hold
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xml = (s: string) =>
  s.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function column(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function rowXml(row: Cell[], r: number): string {
  const cells = row.map((v, c) => {
    if (v === null) return '';
    const ref = `${column(c)}${r}`;
    if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"><v>${v}</v></c>`;
    if (typeof v === 'boolean') return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
    return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xml(safeText(String(v)))}</t></is></c>`;
  });
  return `<row r="${r}">${cells.join('')}</row>`;
}

async function* sheetChunks(header: string[], pages: AsyncIterable<Cell[][]>): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml(header, 1)}`,
    'utf8',
  );
  let r = 2;
  for await (const rows of pages)
    if (rows.length) yield Buffer.from(rows.map((row) => rowXml(row, r++)).join(''), 'utf8');
  yield Buffer.from('</sheetData></worksheet>', 'utf8');
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const DESCRIPTOR_AND_UTF8 = 0x0808; // general purpose bits 3 (sizes after the data) and 11 (UTF-8 names)

/**
 * A zip written as it goes (deflate; CRC and sizes in a data descriptor after each entry's data, and
 * in the central directory). No zip64: fine below 4 GB and 65,535 entries.
 */
export async function* zipChunks(entries: { name: string; data: AsyncIterable<Buffer> }[]): AsyncGenerator<Buffer> {
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    // signature, version needed, flags, deflate, time, date, then CRC and sizes left 0 (descriptor)
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(DESCRIPTOR_AND_UTF8),
      u16(8),
      u32(0),
      Buffer.alloc(12),
      u16(name.length),
      u16(0),
    ]);
    yield local;
    yield name;
    let crc = 0;
    let size = 0;
    let packed = 0;
    const counted = async function* () {
      for await (const chunk of e.data) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
    };
    for await (const b of Readable.from(counted()).pipe(createDeflateRaw()) as AsyncIterable<Buffer>) {
      packed += b.length;
      yield b;
    }
    yield Buffer.concat([u32(0x08074b50), u32(crc), u32(packed), u32(size)]);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(20), // made by
        u16(20), // needed
        u16(DESCRIPTOR_AND_UTF8),
        u16(8),
        u32(0), // time, date
        u32(crc),
        u32(packed),
        u32(size),
        u16(name.length),
        Buffer.alloc(12), // extra, comment, disk, attributes
        u32(offset),
        name,
      ]),
    );
    offset += local.length + name.length + packed + 16;
  }
  const dir = Buffer.concat(central);
  yield dir;
  yield Buffer.concat([
    u32(0x06054b50),
    Buffer.alloc(4),
    u16(entries.length),
    u16(entries.length),
    u32(dir.length),
    u32(offset),
    u16(0),
  ]);
}

/** One sheet of inline strings, a page of rows at a time. */
export function xlsxChunks(
  sheetName: string,
  header: string[],
  pages: AsyncIterable<Cell[][]>,
): AsyncGenerator<Buffer> {
  const name = xml(sheetName.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Results');
  const f = (n: string, s: string) => ({
    name: n,
    data: (async function* () {
      yield Buffer.from(s, 'utf8');
    })(),
  });
  const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  return zipChunks([
    f(
      '[Content_Types].xml',
      `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    ),
    f(
      '_rels/.rels',
      `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    f(
      'xl/workbook.xml',
      `${decl}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    f(
      'xl/_rels/workbook.xml.rels',
      `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    { name: 'xl/worksheets/sheet1.xml', data: sheetChunks(header, pages) },
  ]);
}
