/** RFC 4180 CSV: quoted fields, "" escapes, newlines inside quotes, CRLF/LF/CR line ends, UTF-8 BOM. */
import { StudioError } from '../errors';

/**
 * Rows of fields. Blank lines are dropped; a trailing newline adds no row. Fields are not trimmed.
 * Throws StudioError('bad-labels') on an unterminated quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteStartLine = 0;
  let line = 1;
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      inQuotes = true;
      quoteStartLine = line;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRow();
    } else field += ch;
  }
  if (inQuotes) throw new StudioError('bad-labels', `CSV has a quoted field opened on line ${quoteStartLine} that never closes.`);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Rows as records keyed by the header row (missing trailing fields are ''). */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header = [], ...body] = parseCsv(text);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * One CSV field: a text cell that a spreadsheet would run as a formula (starts with = + - @, a tab or a
 * carriage return, and is not a number) gets a leading apostrophe, as OWASP and the spreadsheets advise
 * (a PatientID "=1+20-8" must not compute); then RFC 4180 quoting when it holds a comma, quote, line
 * break or edge space. Numbers, negative logits included, stay as they are.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^[-+]?(\d|\.\d)[\d.eE+\-;]*$/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text, each line ended by `lineEnd` (the last one too); fields quoted only when they must be. */
export function toCsv(rows: readonly (readonly (string | number)[])[], lineEnd: '\n' | '\r\n' = '\n'): string {
  return rows.map((row) => row.map(csvField).join(',') + lineEnd).join('');
}
