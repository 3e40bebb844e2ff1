import { describe, expect, it } from 'vitest';
import { CodedError, later } from '@trainyard/contracts';
import { DataError } from '@trainyard/data';
import { NnError } from '@trainyard/nn';
import { BlobKeyError } from '@trainyard/store';
import { TensorError } from '@trainyard/tensor';
import { TRAINING_ERRORS, TrainingError, failsForGood } from './errors.js';

describe('failsForGood: whether a thrown error ends the job now or goes back to BullMQ', () => {
  it('fails the job now for its own faults: its spec, its data, its tensors, its training', () => {
    const faults = [
      new NnError('SPEC_UNKNOWN_LAYER', 'Unknown layer class "Lambda"'),
      new DataError('DATASET_LABEL_OUT_OF_RANGE', 'label 12 is not below 10 classes'),
      new TensorError('TENSOR_MEMORY_LIMIT', 'the kernels would pass 512 MiB'),
      new TrainingError('TRAINING_DIVERGED', 'loss became NaN'),
    ];
    for (const err of faults) expect(failsForGood(err), err.code).toBe(true);
  });

  it('retries faults of ours and anything uncoded (Redis, a crash)', () => {
    const ours = [new BlobKeyError('../x'), new Error('Connection is closed.'), new RangeError('Invalid array length')];
    for (const err of ours) expect(failsForGood(err), err.message).toBe(false);
  });

  it('retries a user fault that declares itself retryable', () => {
    expect(failsForGood(new CodedError('RATE_LIMITED', 'slow down', later(429)))).toBe(false);
  });

  it('decides from the class, not from a code string', () => {
    const duck = Object.assign(new Error('looks like a spec error'), { code: 'SPEC_UNKNOWN_LAYER' });
    expect(failsForGood(duck)).toBe(false);
  });

  it('decides the same for an error rebuilt from what crossed a thread', () => {
    const sent = structuredClone(new NnError('SPEC_INVALID_CHECKPOINT', 'saved from another model').toJSON());
    expect(failsForGood(CodedError.fromJSON(sent))).toBe(true);
    expect(failsForGood(CodedError.fromJSON(structuredClone(new BlobKeyError('a//b').toJSON())))).toBe(false);
  });

  it("the worker's own codes are all the job's fault and never retried", () => {
    for (const [code, t] of Object.entries(TRAINING_ERRORS))
      expect([code, t.userFault, t.retryable]).toEqual([code, true, false]);
  });
});
