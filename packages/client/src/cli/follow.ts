// Following a job from the CLI: render its events until the terminal one, or stop on Ctrl-C and
// leave the job running.
import type { TrainyardClient } from '../client.js';
import type { JobServerEvent } from '../follow.js';
import { EpochProgress, metricsTable, seconds, type Out } from './render.js';

export const EXIT = {
  OK: 0,
  /** The job failed or was cancelled. */
  JOB_NOT_SUCCEEDED: 1,
  USAGE: 2,
  /** The api answered an error or could not be reached. */
  API: 3,
  /** Ctrl-C while following; the job goes on. */
  INTERRUPTED: 130,
} as const;

/** One line for the events that are not epochs or batches. */
function describe(e: JobServerEvent): string | undefined {
  switch (e.event) {
    case 'status':
      return `status: ${e.data.status}${e.data.attempt > 1 ? ` (attempt ${e.data.attempt})` : ''}${e.data.worker ? ` on ${e.data.worker}` : ''}`;
    case 'log':
      return `${e.data.level}: ${e.data.message}`;
    case 'resumed':
      return `resumed from the checkpoint of epoch ${e.data.from_epoch}`;
    default:
      return undefined;
  }
}

/**
 * Renders a job's events until its terminal event and returns the exit code. Ctrl-C (SIGINT)
 * stops following without touching the job, says how to follow again and returns 130.
 */
export async function followJob(
  client: TrainyardClient,
  id: string,
  out: Out,
  err: Out,
  opts: { totalEpochs?: number } = {},
): Promise<number> {
  const progress = new EpochProgress(out, opts.totalEpochs);
  const stop = new AbortController();
  const onSigint = () => stop.abort(new Error('SIGINT'));
  process.once('SIGINT', onSigint);
  try {
    for await (const e of client.events(id, { signal: stop.signal })) {
      switch (e.event) {
        case 'batch':
          progress.batch(e.data);
          break;
        case 'epoch':
          progress.epoch(e.data);
          break;
        case 'completed': {
          const stopped = e.data.stopped_early
            ? ` (stopped early by EarlyStopping on ${e.data.stopped_early.monitor})`
            : '';
          progress.line(`\nJob ${id} succeeded in ${seconds(e.data.seconds)}${stopped}.\n`);
          out.write(metricsTable(e.data.metrics));
          out.write(`\nDownload the model: trainyard download ${id} -o ${id}\n`);
          return EXIT.OK;
        }
        case 'failed':
          progress.line('');
          err.write(`trainyard: job ${id} failed: ${e.data.error.code}: ${e.data.error.message}\n`);
          return EXIT.JOB_NOT_SUCCEEDED;
        case 'cancelled':
          progress.line('');
          err.write(`trainyard: job ${id} was cancelled${e.data.reason ? ` (${e.data.reason})` : ''}\n`);
          return EXIT.JOB_NOT_SUCCEEDED;
        default: {
          const text = describe(e);
          if (text) progress.line(text);
        }
      }
    }
    return EXIT.OK;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    progress.line('');
    err.write(
      `trainyard: stopped following; job ${id} keeps running.\nFollow it again: trainyard logs ${id} --follow    Cancel it: trainyard cancel ${id}\n`,
    );
    return EXIT.INTERRUPTED;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
