// A small RFC 4180 reader: fields separated by commas, records by CRLF or LF (a lone CR too,
// as old Mac exports do), fields in double quotes may hold commas, line breaks and "" for a
// quote. Small enough to own rather than add a dependency for one import screen.
// The separator may also be a semicolon (Excel's "CSV" where the decimal mark is a comma: much
// of Europe) or a tab (a table copied from a spreadsheet); detectDelimiter picks it from the header.

export class CsvSyntaxError extends Error {
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Records as arrays of strings. Row numbers in errors are 1-based record numbers (what a
 * spreadsheet shows), not line numbers: a quoted field may span lines.
 */
export function parseCsv(text: string, delimiter: Delimiter = ','): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // Excel writes a byte-order mark
  const n = text.length;
  let fieldStart = true;

  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
    fieldStart = true;
  };

  while (i < n) {
    const c = text[i];
    if (fieldStart && c === '"') {
      const openedAt = records.length + 1;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(openedAt, `Row ${openedAt}: a quoted field is never closed.`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += q;
        i++;
      }
      fieldStart = false;
      const next = text[i];
      if (i < n && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(records.length + 1, `Row ${records.length + 1}: text after a closing quote.`);
      }
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = '';
      fieldStart = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStart = false;
      i++;
    }
  }
  // A last record without a line break; a trailing line break does not start another record.
  if (!fieldStart || field !== '' || record.length > 0) endRecord();
  return records;
}

export type Delimiter = ',' | ';' | '\t';

/**
 * The separator of a file: the one of comma, semicolon and tab that occurs most often outside
 * quotes in its first non-blank line (the header, whose cells rarely hold any of them). A tie,
 * or none at all (a one-column file), is a comma.
 */
export function detectDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let seenText = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (seenText) break;
    } else if (!quoted && (c === ',' || c === ';' || c === '\t')) {
      counts[c]++;
      seenText = true;
    } else if (c?.trim()) seenText = true;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/** True for a record that is an empty line (spreadsheets leave them at the end). */
export const isBlankRecord = (r: string[]): boolean => r.every((f) => f.trim() === '');
