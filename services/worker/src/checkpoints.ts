import { createHash } from 'node:crypto';
import type { Checkpoint } from '@trainyard/nn';
import type { BlobStore } from '@trainyard/store';
import type { JobEvent } from '@trainyard/contracts';
import type { JobPublisher } from './publisher.js';
import type { TrainHooks } from './resume.js';

/** Where a job's latest checkpoint lives in the blob store (one pair per job, replaced each epoch). */
export function checkpointBlobKey(jobId: string, file: 'checkpoint.json' | 'checkpoint.bin' | '' = ''): string {
  return `jobs/${jobId}/checkpoint/${file}`;
}

/**
 * A checkpoint as stored: nn's checkpoint JSON plus the digest of the weight bytes it goes with,
 * and `batch` when a cancel or timeout stored it mid-epoch (the weights hold `batch` batches of
 * the epoch after `epoch`; such a checkpoint is kept for the user and never resumed from).
 */
export interface StoredCheckpoint {
  json: Checkpoint['json'] & { bin_sha256: string; batch?: number };
  bin: Buffer;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Stores a checkpoint: the weights first, then the JSON that names their digest. Each put is
 * atomic, so a reader sees a whole old or new JSON; the digest tells it when the bin beside it
 * already belongs to a newer checkpoint. Returns the bytes written.
 */
export async function storeCheckpoint(
  blobs: BlobStore,
  jobId: string,
  checkpoint: Checkpoint,
  batch = 0,
): Promise<number> {
  const bin = await blobs.put(checkpointBlobKey(jobId, 'checkpoint.bin'), checkpoint.bin);
  const json = Buffer.from(
    JSON.stringify({ ...checkpoint.json, bin_sha256: sha256(checkpoint.bin), ...(batch > 0 && { batch }) }),
  );
  await blobs.put(checkpointBlobKey(jobId, 'checkpoint.json'), json);
  return bin.bytes + json.length;
}

/**
 * The job's latest whole checkpoint, or null when it has none. A writer racing the read (the JSON
 * and the bin from different epochs) makes it read again; one that never settles gives null.
 */
export async function loadStoredCheckpoint(
  blobs: BlobStore,
  jobId: string,
  tries = 3,
): Promise<StoredCheckpoint | null> {
  for (let i = 0; i < tries; i++) {
    const raw = await blobs.get(checkpointBlobKey(jobId, 'checkpoint.json'));
    if (!raw) return null;
    const json = JSON.parse(raw.toString()) as StoredCheckpoint['json'];
    const bin = await blobs.get(checkpointBlobKey(jobId, 'checkpoint.bin'));
    if (bin && sha256(bin) === json.bin_sha256) return { json, bin };
  }
  return null;
}

type Progress = Exclude<JobEvent, { type: 'completed' | 'failed' | 'cancelled' | 'status' | 'checkpoint' }>;

/**
 * One attempt's checkpointing, between train() and Redis: hands train() the checkpoint to resume
 * from, stores each epoch's checkpoint and reports it, and keeps the stream free of repeats.
 *
 * Why repeats can happen: an epoch's event is written before its checkpoint, so a worker that dies
 * between the two leaves an epoch reported but not saved; the next attempt trains it again (the
 * same numbers, training is deterministic) and must not report it twice. The job record's
 * `epoch` (written with each epoch event) says how far the stream got.
 */
export class JobCheckpoints {
  private reported = 0;

  constructor(
    private readonly blobs: BlobStore,
    private readonly pub: Pick<JobPublisher, 'emit' | 'reportedEpoch' | 'assertOwner'>,
    private readonly jobId: string,
  ) {}

  /** The hooks for train(): on a retried attempt (attempt > 1), the checkpoint to resume from. */
  async hooks(attempt: number): Promise<TrainHooks> {
    this.reported = await this.pub.reportedEpoch();
    const resume = attempt > 1 ? await loadStoredCheckpoint(this.blobs, this.jobId) : null;
    return { ...(resume && { resume }), onCheckpoint: this.save };
  }

  /** Forwards train()'s events, minus those of epochs the stream already reported. */
  readonly emit = async (e: Progress): Promise<void> => {
    if ((e.type === 'epoch' || e.type === 'batch') && e.epoch <= this.reported) return;
    await this.pub.emit(e);
  };

  /**
   * Stores an epoch's checkpoint (or, with `batch`, where a cancel or timeout stopped mid-epoch),
   * then says so in the stream. An attempt that no longer owns the job writes nothing (FencedError).
   */
  readonly save = async (checkpoint: Checkpoint, batch = 0): Promise<void> => {
    await this.pub.assertOwner();
    const bytes = await storeCheckpoint(this.blobs, this.jobId, checkpoint, batch);
    await this.pub.emit({ type: 'checkpoint', epoch: checkpoint.json.epoch, bytes, ...(batch > 0 && { batch }) });
  };
}
