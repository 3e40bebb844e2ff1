import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';
import { LuaScript, rateLimitKey } from '@trainyard/store';

const WINDOW_MS = 60_000;

// A sliding window over two fixed ones: this minute's count plus the share of last minute's that
// still falls inside the window. A refused request is taken back out, so a client retrying too
// early does not lock itself out. Returns { allowed, estimated requests in the window }.
const HIT = new LuaScript(`
local cur = redis.call('INCR', KEYS[1])
if cur == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2] * 2) end
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local used = prev * (ARGV[2] - ARGV[3]) / ARGV[2] + cur
if used > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return {0, math.ceil(used - 1)}
end
return {1, math.ceil(used)}
`);

/**
 * Limits every tenant to TRAINYARD_RATE_LIMIT_PER_MINUTE /v1 requests a minute, counted in Redis
 * so that all api processes share one budget. Answers carry RateLimit-Limit and
 * RateLimit-Remaining; a refusal is a 429 RATE_LIMITED with Retry-After.
 */
export const rateLimit = fp(
  async (app) => {
    const limit = app.config.rateLimitPerMinute;
    if (limit === 0) return;
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      const now = Date.now();
      const window = Math.floor(now / WINDOW_MS);
      const elapsed = now - window * WINDOW_MS;
      const [allowed, used] = (await HIT.run(
        app.redis,
        [
          rateLimitKey(app.config.prefix, request.tenant, window),
          rateLimitKey(app.config.prefix, request.tenant, window - 1),
        ],
        [limit, WINDOW_MS, elapsed],
      )) as [number, number];
      reply.header('ratelimit-limit', limit).header('ratelimit-remaining', Math.max(0, limit - used));
      if (allowed === 1) return;
      const retryAfter = Math.max(1, Math.ceil((WINDOW_MS - elapsed) / 1000));
      reply.header('retry-after', retryAfter);
      throw new ApiError(
        'RATE_LIMITED',
        `More than ${limit} requests a minute for this tenant; retry in ${retryAfter} s`,
        { limit, retry_after_seconds: retryAfter },
      );
    });
  },
  { name: 'trainyard-rate-limit', dependencies: ['trainyard-auth'] },
);
