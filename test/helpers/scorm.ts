// SCORM zips built in the test (no binary fixtures): a valid 1.2 or 2004 package, and the ways a
// hostile one is built. yazl refuses unsafe names itself, so those are written under a harmless
// name of the same length and the name's bytes replaced afterwards (offsets stay valid).
import yazl from 'yazl';

export interface ZipFileSpec {
  name: string;
  data: Buffer | string;
  /** Unix mode, e.g. 0o120777 for a symbolic link */
  mode?: number;
  /** stored without compression */
  store?: boolean;
}

export function zip(files: ZipFileSpec[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const f of files) {
    z.addBuffer(Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data), f.name, {
      ...(f.mode === undefined ? {} : { mode: f.mode }),
      compress: !f.store,
    });
  }
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

/** Replaces every occurrence of a name in a zip (local header and central directory). */
export function renameInZip(buf: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('renameInZip: names must have the same length');
  const out = Buffer.from(buf);
  const a = Buffer.from(from);
  let i = out.indexOf(a);
  if (i < 0) throw new Error(`renameInZip: ${from} not found`);
  while (i >= 0) {
    Buffer.from(to).copy(out, i);
    i = out.indexOf(a, i + 1);
  }
  return out;
}

/** Sets the uncompressed size the central directory declares for `name` (a lying zip). */
export function declareSize(buf: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(buf);
  for (let i = out.length - 46; i >= 0; i--) {
    if (out.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = out.readUInt16LE(i + 28);
    if (out.toString('utf8', i + 46, i + 46 + nameLength) === name) {
      out.writeUInt32LE(size, i + 24);
      return out;
    }
  }
  throw new Error(`declareSize: ${name} not in the central directory`);
}

export function manifest12(opts: { title?: string; href?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.test12" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>${opts.title ?? 'Password basics (SCORM 1.2)'}</title>
      <item identifier="item1" identifierref="res1"><title>Lesson</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="${opts.href ?? 'index.html'}">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>`;
}

export function manifest2004(opts: { title?: string; language?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<imscp:manifest identifier="com.example.test2004" version="1"
  xmlns:imscp="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:lom="http://ltsc.ieee.org/xsd/LOM">
  <imscp:metadata>
    <imscp:schema>ADL SCORM</imscp:schema>
    <imscp:schemaversion>2004 4th Edition</imscp:schemaversion>
    <lom:lom><lom:general><lom:language>${opts.language ?? 'de'}</lom:language>
      <lom:description><lom:string>Ein Kurs.</lom:string></lom:description></lom:general></lom:lom>
  </imscp:metadata>
  <imscp:organizations default="other">
    <imscp:organization identifier="first"><imscp:title>Not the default</imscp:title>
      <imscp:item identifier="i0" identifierref="r0"><imscp:title>x</imscp:title></imscp:item>
    </imscp:organization>
    <imscp:organization identifier="other">
      <imscp:title>${opts.title ?? 'Sicher im Netz (SCORM 2004)'}</imscp:title>
      <imscp:item identifier="chapter"><imscp:title>Chapter</imscp:title>
        <imscp:item identifier="i1" identifierref="r1"><imscp:title>Start</imscp:title></imscp:item>
      </imscp:item>
    </imscp:organization>
  </imscp:organizations>
  <imscp:resources xml:base="content/">
    <imscp:resource identifier="r0" type="webcontent" adlcp:scormType="sco" href="other.html"/>
    <imscp:resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="start.html?lesson=1"/>
  </imscp:resources>
</imscp:manifest>`;
}

const PAGE = '<!doctype html><title>Lesson</title><p>Hello</p>';

export const scorm12 = (extra: ZipFileSpec[] = []) =>
  zip([{ name: 'imsmanifest.xml', data: manifest12() }, { name: 'index.html', data: PAGE }, ...extra]);

export const scorm2004 = (extra: ZipFileSpec[] = []) =>
  zip([
    { name: 'imsmanifest.xml', data: manifest2004() },
    { name: 'content/start.html', data: PAGE },
    { name: 'content/other.html', data: PAGE },
    { name: 'content/js/app.js', data: 'console.log(1)' },
    ...extra,
  ]);
