import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script sent by its SHA1 (EVALSHA), with the full text only when Redis does not know it
 * yet (after a restart or SCRIPT FLUSH). The hot paths (job creation, the rate limiter, every
 * epoch event) run one script per call; re-sending a kilobyte of Lua each time was measurable.
 */
export class LuaScript {
  /** The SHA1 Redis knows the script by. */
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Runs the script; KEYS and ARGV as Redis numbers them from 1. */
  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
