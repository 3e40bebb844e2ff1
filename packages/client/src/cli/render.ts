// What the CLI prints: Keras-style epoch lines (a live bar on a terminal), tables, numbers.
import type { JobEvent } from '../follow.js';

/** The data of one kind of event, as the generated schema types it, without its `type`. */
type EventData<T extends JobEvent['type']> = Omit<Extract<JobEvent, { type: T }>, 'type'>;

/** Where output goes; a terminal gets a redrawn progress line, a pipe or file only whole lines. */
export interface Out {
  write(text: string): void;
  isTTY: boolean;
  columns: number;
}

export function outOf(stream: NodeJS.WriteStream): Out {
  return { write: (t) => void stream.write(t), isTTY: stream.isTTY === true, columns: stream.columns || 100 };
}

/** 0.41234 → "0.4123", 1234.5 → "1234.5", 1e-5 → "1.000e-5". */
export function num(v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '-' : String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return a >= 100 ? v.toFixed(1) : v.toFixed(4);
}

/** "loss 0.4123  accuracy 0.8512  val_loss …": loss first, then as the job logged them. */
export function logsText(logs: Record<string, unknown>): string {
  const names = Object.keys(logs).sort((a, b) => rank(a) - rank(b));
  return names.map((k) => `${k} ${num(logs[k])}`).join('  ');
}

function rank(name: string): number {
  const base = name.replace(/^(val_|test_)/, '');
  const group = name.startsWith('val_') ? 1 : name.startsWith('test_') ? 2 : 0;
  return group * 100 + (base === 'loss' ? 0 : base === 'accuracy' ? 1 : 2);
}

export function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === width ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
}

export function seconds(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

/** Rows under a header, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Epoch progress: on a terminal one line redrawn per batch event; every epoch ends as one plain line. */
export class EpochProgress {
  private live = false;

  constructor(
    private readonly out: Out,
    private totalEpochs?: number,
  ) {}

  private prefix(epoch: number): string {
    return `Epoch ${epoch}/${this.totalEpochs ?? '?'}`;
  }

  batch(e: EventData<'batch'>): void {
    if (!this.out.isTTY) return;
    const text = `${this.prefix(e.epoch)}  ${bar(e.batch, e.batches)} ${e.batch}/${e.batches}  ${logsText(e.logs)}`;
    this.out.write(`\r\x1b[2K${text.slice(0, this.out.columns - 1)}`);
    this.live = true;
  }

  /** `samples_per_second` may be missing: the rate is left out then. */
  epoch(
    e: Omit<EventData<'epoch'>, 'samples_per_second'> & Partial<Pick<EventData<'epoch'>, 'samples_per_second'>>,
  ): void {
    this.totalEpochs = e.epochs;
    const rate = e.samples_per_second ? `  ${Math.round(e.samples_per_second)} samples/s` : '';
    const full = this.out.isTTY ? `  ${bar(1, 1)}` : '';
    this.line(`${this.prefix(e.epoch)}${full}  ${seconds(e.seconds)}  ${logsText(e.logs)}${rate}`);
  }

  /** Any other line: ends a live bar first so nothing is overwritten. */
  line(text: string): void {
    if (this.live) this.out.write('\r\x1b[2K');
    this.live = false;
    this.out.write(`${text}\n`);
  }
}

/** The final metrics, one per row: the last epoch's logs plus test_* where the dataset has a test split. */
export function metricsTable(metrics: Record<string, unknown>): string {
  const names = Object.keys(metrics).sort((a, b) => rank(a) - rank(b));
  return table(
    ['metric', 'value'],
    names.map((k) => [k, num(metrics[k])]),
  );
}
