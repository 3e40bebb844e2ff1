import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LuaScript } from './index.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
let redis: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => redis.disconnect());

// A script no other test has sent, so Redis cannot know it yet (without flushing everyone's scripts).
const fresh = (body: string) => new LuaScript(`-- ${randomBytes(8).toString('hex')}\n${body}`);

describe('LuaScript', () => {
  it('sends the text once, when Redis does not know the script, and only its SHA1 afterwards', async () => {
    const script = fresh('return {KEYS[1], ARGV[1]}');
    const evalSpy = vi.spyOn(redis, 'eval');
    const evalshaSpy = vi.spyOn(redis, 'evalsha');
    expect(await redis.script('EXISTS', script.sha)).toEqual([0]);

    expect(await script.run(redis, ['k'], ['a'])).toEqual(['k', 'a']);
    expect(evalSpy).toHaveBeenCalledTimes(1);
    expect(await redis.script('EXISTS', script.sha)).toEqual([1]);

    expect(await script.run(redis, ['k'], [2])).toEqual(['k', '2']);
    expect(evalSpy).toHaveBeenCalledTimes(1);
    expect(evalshaSpy).toHaveBeenCalledTimes(2);
  });

  it('sends the text again after Redis forgot it (a restart or SCRIPT FLUSH answers NOSCRIPT)', async () => {
    const script = fresh('return 7');
    await script.run(redis, [], []);
    const evalSpy = vi.spyOn(redis, 'eval');
    vi.spyOn(redis, 'evalsha').mockRejectedValueOnce(new Error('NOSCRIPT No matching script.'));
    expect(await script.run(redis, [], [])).toBe(7);
    expect(evalSpy).toHaveBeenCalledTimes(1);
  });

  it('passes any other error through without resending', async () => {
    const script = fresh("return redis.error_reply('BOOM from the script')");
    await expect(script.run(redis, [], [])).rejects.toThrow('BOOM');
    const evalSpy = vi.spyOn(redis, 'eval');
    await expect(script.run(redis, [], [])).rejects.toThrow('BOOM');
    expect(evalSpy).not.toHaveBeenCalled();
  });
});
