import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig, type ApiConfig } from '../config.js';
import { TEST_LOG_LEVEL, testLogStream } from './logs.js';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Deletes every key under a prefix (tests clean up after themselves). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The api on real Redis under a unique prefix; `close()` removes every key it wrote. Tests submit
 * many jobs with no worker to run them, so the per-tenant guards (active jobs, rate) are off
 * unless a test turns them on (guards.test.ts does).
 */
export async function testApp(
  overrides: Partial<ApiConfig> = {},
): Promise<{ app: FastifyInstance; prefix: string; close: () => Promise<void> }> {
  const prefix = `{ty-api-${randomBytes(6).toString('hex')}}`;
  const app = await buildApp({
    config: { ...loadConfig({ REDIS_URL }), prefix, maxActiveJobs: 0, rateLimitPerMinute: 0, ...overrides },
    logger: { level: TEST_LOG_LEVEL, stream: testLogStream() },
  });
  await app.ready();
  return {
    app,
    prefix,
    async close() {
      await app.close();
      await dropPrefix(prefix);
    },
  };
}

/** A valid job body to mutate in tests. */
export function validJob(): Record<string, any> {
  return {
    model: {
      class_name: 'Sequential',
      config: {
        name: 'mlp',
        layers: [
          {
            class_name: 'Dense',
            config: { name: 'hidden', units: 16, activation: 'relu', batch_input_shape: [null, 2] },
          },
          { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } },
        ],
      },
    },
    compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
    fit: { epochs: 2, batch_size: 32, validation_split: 0.2 },
    dataset: { builtin: 'spirals', options: { samples: 200 } },
    seed: 1,
  };
}
