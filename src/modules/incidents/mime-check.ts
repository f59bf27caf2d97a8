// What is wrong with a message's MIME structure, said plainly: mailparser reads a broken message
// without complaint (a missing boundary makes the whole body one text part), so an analyst would
// not otherwise know that what they see is not what the sender's structure said.
const MAX_DEPTH = 16;

function split(part: string): { headers: string; body: string } {
  const m = /\r?\n\r?\n/.exec(part);
  if (!m) return { headers: part, body: '' };
  return { headers: part.slice(0, m.index), body: part.slice(m.index + m[0].length) };
}

const header = (headers: string, name: string) =>
  new RegExp(`^${name}[ \\t]*:(.*)$`, 'im').exec(headers.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim() ?? '';

export function structureProblems(eml: Buffer): string[] {
  const problems: string[] = [];
  const raw = eml.toString('latin1');
  if (!/^[!-9;-~]+[ \t]*:/.test(raw)) problems.push('The message does not start with a header field.');
  check(split(raw), problems, 0);
  return problems.slice(0, 20);
}

function check(part: { headers: string; body: string }, problems: string[], depth: number): void {
  const type = header(part.headers, 'content-type');
  if (depth > MAX_DEPTH || !/^multipart\//i.test(type)) return;
  const b = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary) {
    problems.push(`A ${type.split(';')[0]} part has no boundary: its body was read as one part.`);
    return;
  }
  const delimiter = `--${boundary}`;
  const lines = part.body.split(/\r?\n/);
  const starts = lines.map((l, i) => (l.trimEnd() === delimiter ? i : -1)).filter((i) => i >= 0);
  if (starts.length === 0) {
    problems.push(`The boundary "${boundary}" never appears: the multipart body has no parts.`);
    return;
  }
  const close = lines.findIndex((l) => l.trimEnd() === `${delimiter}--`);
  if (close < 0) problems.push(`The multipart body with boundary "${boundary}" is not closed (no "${delimiter}--").`);
  const end = close < 0 ? lines.length : close;
  for (let k = 0; k < starts.length; k++) {
    const from = (starts[k] ?? 0) + 1;
    const to = Math.min(starts[k + 1] ?? end, end);
    if (from <= to) check(split(lines.slice(from, to).join('\r\n')), problems, depth + 1);
  }
}
