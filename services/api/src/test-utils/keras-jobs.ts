import type { FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { validJob } from './app.js';

/** A job body as the Keras option tests build it. */
export type Job = Record<string, any>;

/** A copy of `base()` changed by `fn`. */
export function mutate(fn: (job: Job) => void, base: () => Job = validJob): Job {
  const job = base();
  fn(job);
  return job;
}

/** validJob with one sigmoid output and binary_crossentropy, where AUC, precision and recall mean something. */
export function binaryJob(): Job {
  return mutate((j) => {
    j.model.config.layers[1].config = { name: 'out', units: 1, activation: 'sigmoid' };
    j.compile.loss = 'binary_crossentropy';
  });
}

export const adam = (config: Record<string, unknown>) => ({ class_name: 'Adam', config });
export const decay = (config: Record<string, unknown>) => ({ class_name: 'ExponentialDecay', config });
export const earlyStopping = (config: Record<string, unknown> = {}) => ({ class_name: 'EarlyStopping', config });

/** POSTs a job body and answers the status and parsed body. */
export async function postJob(app: FastifyInstance, payload: unknown) {
  const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: payload as string });
  return { status: res.statusCode, body: res.json() };
}

/** A refused body: [name, body, code, path in details, message]. */
export type Refusal = [string, Job, string, string, RegExp];

/** One test per refusal (a 400 with its code, path and message), and one that none of them was queued. */
export function itRefusesEach(getApp: () => FastifyInstance, bad: Refusal[]): void {
  const cases = bad.map(([name, payload, code, path, message]) => ({ name, payload, code, path, message }));

  it.each(cases)('$name → 400 $code at $path', async ({ payload, code, path, message }) => {
    const { status, body } = await postJob(getApp(), payload);
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.details.path).toBe(path);
    expect(body.error.message).toMatch(message);
  });

  it('queues none of them', async () => {
    const app = getApp();
    const before = await app.queue.count();
    for (const { payload } of cases) expect((await postJob(app, payload)).status).toBe(400);
    expect(await app.queue.count()).toBe(before);
  });
}
