import { describe, expect, it } from 'vitest';
import { API_ERRORS, CodedError, type ErrorCatalogue } from '@trainyard/contracts';
import { DATA_ERRORS, DataError } from '@trainyard/data';
import { NN_ERRORS, NnError } from '@trainyard/nn';
import { BlobKeyError, STORE_ERRORS, checkKey } from '@trainyard/store';
import { TENSOR_ERRORS, TensorError, tensor } from '@trainyard/tensor';
import { ApiError } from './errors.js';
import { ModelLoadError } from './predict/runner.js';

// The statuses as they were before the catalogues carried them (contracts' API_ERRORS table and
// statusForCode's prefix rules), written out once here so that a catalogue change that moves a
// status on the wire fails this test.
const OLD_API_ERRORS: Record<string, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  BODY_TOO_DEEP: 400,
  INVALID_URL: 400,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  BAD_REQUEST: 400,
  INVALID_LAST_EVENT_ID: 400,
  UNAUTHENTICATED: 401,
  INVALID_API_KEY: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  TOO_MANY_ACTIVE_JOBS: 429,
  JOB_TOO_LARGE: 400,
  JOB_MEMORY_TOO_LARGE: 400,
  JOB_COMPUTE_TOO_LARGE: 400,
  JOB_TIMEOUT_TOO_LONG: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  DATASET_NOT_FOUND: 404,
  DATASET_TOO_LARGE: 413,
  DATASET_URL_REFUSED: 400,
  DATASET_FETCH_FAILED: 400,
  DATASET_UPLOAD_TRUNCATED: 400,
  INVALID_CURSOR: 400,
  JOB_ALREADY_FINISHED: 409,
  JOB_NOT_FINISHED: 409,
  MODEL_NOT_READY: 409,
  MODEL_NOT_FOUND: 404,
  PREDICT_INVALID_INPUT: 400,
  PREDICT_TOO_MANY_SAMPLES: 413,
  PREDICT_UNSUPPORTED_MODEL: 422,
  PREDICT_TOO_EXPENSIVE: 400,
  PREDICT_BUSY: 429,
  PREDICT_TIMEOUT: 422,
  MODEL_INVALID: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  SPEC_TOO_LARGE: 400,
  SWEEP_INVALID_PARAMETER: 400,
  SWEEP_TOO_MANY_TRIALS: 400,
  SWEEP_UNKNOWN_METRIC: 400,
  SWEEP_NOT_FOUND: 404,
  SWEEP_ALREADY_FINISHED: 409,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};

function oldStatusForCode(code: string): number {
  if (code in OLD_API_ERRORS) return OLD_API_ERRORS[code];
  if (code === 'DATASET_NOT_INSTALLED') return 422;
  if (code.startsWith('SPEC_') || code.startsWith('DATASET_') || code.startsWith('TENSOR_')) return 400;
  return 500;
}

// Every catalogue whose codes can reach an HTTP answer (the worker's reach only a job's failed event).
const CATALOGUES: Record<string, ErrorCatalogue> = {
  api: API_ERRORS,
  nn: NN_ERRORS,
  data: DATA_ERRORS,
  tensor: TENSOR_ERRORS,
  store: STORE_ERRORS,
};

describe('error catalogues', () => {
  for (const [name, catalogue] of Object.entries(CATALOGUES)) {
    it(`${name}: every code answers the status it answered before`, () => {
      const statuses = Object.fromEntries(Object.entries(catalogue).map(([code, t]) => [code, t.status]));
      const before = Object.fromEntries(Object.keys(catalogue).map((code) => [code, oldStatusForCode(code)]));
      expect(statuses).toEqual(before);
    });
  }

  it('keeps every code the api catalogued before', () => {
    expect(Object.keys(API_ERRORS)).toEqual(expect.arrayContaining(Object.keys(OLD_API_ERRORS)));
  });

  it('a code two catalogues share has the same traits in both', () => {
    const seen = new Map<string, unknown>();
    for (const catalogue of Object.values(CATALOGUES)) {
      for (const [code, traits] of Object.entries(catalogue)) {
        if (seen.has(code)) expect(traits, code).toEqual(seen.get(code));
        seen.set(code, traits);
      }
    }
  });

  it('a caller fault is a 4xx and a fault of ours a 5xx that another attempt may not meet', () => {
    for (const catalogue of Object.values(CATALOGUES)) {
      for (const [code, t] of Object.entries(catalogue)) {
        expect(t.userFault, code).toBe(t.status < 500);
        if (!t.userFault) expect(t.retryable, code).toBe(true);
      }
    }
  });
});

describe('error classes', () => {
  it('every package error is a CodedError with its catalogue traits, across package boundaries', () => {
    let tensorError: unknown;
    try {
      tensor([1, 2, 3], [2]);
    } catch (err) {
      tensorError = err;
    }
    let keyError: unknown;
    try {
      checkKey('../etc/passwd');
    } catch (err) {
      keyError = err;
    }
    const cases: [unknown, abstract new (...args: never[]) => Error, number][] = [
      [tensorError, TensorError, 400],
      [new NnError('SPEC_UNKNOWN_LAYER', 'no such layer'), NnError, 400],
      [new DataError('DATASET_NOT_INSTALLED', 'not here'), DataError, 422],
      [keyError, BlobKeyError, 500],
      [new ApiError('JOB_NOT_FOUND', 'No job job_x'), ApiError, 404],
      [new ModelLoadError('broken', { id: 'job_x' }), ModelLoadError, 422],
    ];
    for (const [err, cls, status] of cases) {
      expect(err).toBeInstanceOf(cls);
      expect(err).toBeInstanceOf(CodedError);
      if (cls === ModelLoadError) expect(err).toBeInstanceOf(ApiError);
      expect(err).toBeInstanceOf(Error);
      expect((err as CodedError).status).toBe(status);
      expect((err as CodedError).name).toBe(cls.name);
    }
  });

  it('a tensor error keeps its code at the head of its message; others carry details', () => {
    const t = new TensorError('TENSOR_INVALID_AXIS', 'axis 3 of a rank-2 tensor');
    expect([t.code, t.message]).toEqual(['TENSOR_INVALID_AXIS', 'TENSOR_INVALID_AXIS: axis 3 of a rank-2 tensor']);
    const n = new NnError('SPEC_INVALID_LAYER_CONFIG', 'units must be > 0', { layer: 'dense', path: '/x' });
    expect(n.details).toEqual({ layer: 'dense', path: '/x' });
  });
});
