import { fromArrays, type ArrayOptions } from './arrays.js';
import { DataError } from './errors.js';
import type { Dataset } from './types.js';

export interface CsvOptions extends Omit<ArrayOptions, 'xSource' | 'ySource'> {
  /** Name of the header column holding the target. */
  target: string;
  /** True to read a numeric target as regression values [N, 1] even when they are whole numbers. */
  regression?: boolean;
}

/** A parsed CSV dataset; `classNames` when the target column held text labels (index = class). */
export interface CsvDataset extends Dataset {
  classNames?: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function invalid(message: string, details: Record<string, unknown> = {}): DataError {
  return new DataError('DATASET_INVALID_CSV', message, details);
}

/** Splits CSV text into rows of fields (RFC 4180: commas, "quoted" fields with "" escapes, CRLF or LF). */
export function* csvRows(text: string): Generator<{ line: number; fields: string[] }> {
  let i = 0;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // a byte-order mark
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw invalid(`Unterminated quoted field starting on line ${start}`, { line: start });
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          throw invalid(`Line ${line}: text after a closing quote`, { line });
      } else {
        let j = i;
        while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
        field = text.slice(i, j);
        if (field.includes('"')) throw invalid(`Line ${line}: a quote inside an unquoted field`, { line });
        i = j;
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    // Blank lines (a trailing newline, spacing) carry no row.
    if (fields.length === 1 && fields[0].trim() === '') continue;
    yield { line: start, fields };
  }
}

/**
 * Reads a CSV with a header row into a dataset: every column but `target` is a numeric feature;
 * the target column holds whole-number class indices, text class names (classes sorted by name),
 * or other numbers (regression, y [N, 1]). Errors name the line and column.
 */
export function parseCsv(input: string | Uint8Array, opts: CsvOptions): CsvDataset {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  const rows = csvRows(text);
  const { header, t } = readHeader(rows, opts);
  const { xs, targets } = readRows(rows, header, t, opts);
  return toDataset(xs, targets, header.length - 1, opts);
}

type CsvRows = Generator<{ line: number; fields: string[] }>;

// The header row: distinct non-empty names, the target among them, and a feature besides it.
function readHeader(rows: CsvRows, opts: CsvOptions): { header: string[]; t: number } {
  const first = rows.next();
  if (first.done) throw invalid('The CSV is empty; it needs a header row and at least one data row');
  const header = first.value.fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw invalid('The header row has an empty column name', { line: 1 });
    if (seen.has(h)) throw invalid(`The header row names column "${h}" twice`, { line: 1, column: h });
    seen.add(h);
  }
  const t = header.indexOf(opts.target);
  if (t < 0)
    throw invalid(`No column "${opts.target}" in the header; columns: ${header.slice(0, 20).join(', ')}`, {
      path: 'target',
      columns: header.slice(0, 50),
    });
  if (header.length < 2) throw invalid('The CSV needs at least one feature column besides the target', { line: 1 });
  return { header, t };
}

// The data rows: numeric features (row-major) and the target cells as text; errors name line and column.
function readRows(rows: CsvRows, header: string[], t: number, opts: CsvOptions): { xs: number[]; targets: string[] } {
  const maxRows = opts.maxValues !== undefined ? Math.floor(opts.maxValues / header.length) : Infinity;

  const xs: number[] = [];
  const targets: string[] = [];
  for (const { line, fields } of rows) {
    if (fields.length !== header.length)
      throw invalid(`Line ${line} has ${fields.length} fields; the header has ${header.length}`, {
        line,
        fields: fields.length,
        expected: header.length,
      });
    if (targets.length >= maxRows) {
      throw new DataError(
        'DATASET_TOO_LARGE',
        `The CSV has more than ${maxRows} rows of ${header.length} columns; the limit is ${opts.maxValues} values`,
        { limit: opts.maxValues },
      );
    }
    for (let c = 0; c < fields.length; c++) {
      const cell = fields[c].trim();
      if (c === t) {
        if (cell === '')
          throw invalid(`Line ${line}: the target "${opts.target}" is empty`, { line, column: opts.target });
        targets.push(cell);
        continue;
      }
      if (!NUMBER.test(cell)) {
        if (NON_FINITE.test(cell))
          throw new DataError(
            'DATASET_NON_FINITE',
            `Line ${line}, column "${header[c]}" is ${cell}; data must be finite numbers`,
            { line, column: header[c] },
          );
        throw invalid(`Line ${line}, column "${header[c]}" is ${JSON.stringify(cell.slice(0, 30))}, not a number`, {
          line,
          column: header[c],
        });
      }
      xs.push(Number(cell));
    }
  }
  return { xs, targets };
}

// Numeric targets are classes (whole numbers) or regression values; text ones are class names, sorted.
function toDataset(xs: number[], targets: string[], width: number, opts: CsvOptions): CsvDataset {
  const n = targets.length;
  if (n === 0) throw invalid('The CSV has a header but no data rows');

  const numeric = targets.every((v) => NUMBER.test(v));
  if (!numeric) {
    const bad = targets.findIndex((v) => NON_FINITE.test(v));
    if (bad >= 0)
      throw new DataError(
        'DATASET_NON_FINITE',
        `Row ${bad + 1}: the target "${opts.target}" is ${targets[bad]}; data must be finite numbers`,
        { row: bad + 1, column: opts.target },
      );
    // Text labels make classes; asked for regression, they are a mistake, not a silent switch of task.
    if (opts.regression) {
      const row = targets.findIndex((v) => !NUMBER.test(v));
      throw invalid(
        `Row ${row + 1}: regression needs a numeric target, but "${opts.target}" is ${JSON.stringify(targets[row].slice(0, 30))}`,
        { row: row + 1, column: opts.target, path: 'regression' },
      );
    }
  }
  const base = { ...opts, xSource: 'x', ySource: `column "${opts.target}"` };
  const x = { data: xs, shape: [n, width] };
  if (numeric) {
    const ys = targets.map(Number);
    const whole = ys.every((v) => Number.isInteger(v));
    return fromArrays(x, whole && !opts.regression ? { data: ys, shape: [n] } : { data: ys, shape: [n, 1] }, base);
  }
  // Text labels: sorted names, so the same file always gives the same class indices.
  const classNames = [...new Set(targets)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  const dataset: CsvDataset = fromArrays(x, { data: targets.map((v) => index.get(v)!), shape: [n] }, base);
  dataset.classNames = classNames;
  return dataset;
}
