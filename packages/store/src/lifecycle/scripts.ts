import { LuaScript } from '../lua-script.js';

// Every Lua script of the job and sweep lifecycle. Each one changes a record, its stream and its
// index entries together, so that no reader ever sees them disagree. The key and argument
// layouts are documented beside each script; jobs.ts and sweeps.ts are the only callers.

// The status index, written once: every status change moves the job between its tenant's
// per-status sets with the score it has in `created` (its creation time), so each set lists jobs
// in creation order. A job missing from `created` (a record older than the indexes) stays unindexed.
const STATUS_INDEX = `
local function unindex(id, sets)
  for _, k in ipairs(sets) do redis.call('ZREM', k, id) end
end
local function move_status(created, id, to, from)
  local t = redis.call('ZSCORE', created, id)
  if not t then return end
  unindex(id, from)
  redis.call('ZADD', to, t, id)
end
local function ended(s)
  return s == 'succeeded' or s == 'failed' or s == 'cancelled'
end
`;

const withIndex = (body: string) => new LuaScript(STATUS_INDEX + body);

/**
 * The record, the first event and the index entries at once; with an Idempotency-Key (KEYS[7]),
 * only when the key is new (else the key's stored value is returned and nothing is written). A
 * tenant already at its limit (ARGV[8] > 0) of queued and running jobs gets 0 and nothing is written.
 * KEYS: record, stream, created, queued, running, tenants[, idempotency].
 * ARGV: id, spec, created_at, first event, remembered, idempotency ttl, tenant, limit, estimate.
 */
export const CREATE = withIndex(`
if #KEYS == 7 then
  local known = redis.call('GET', KEYS[7])
  if known then return known end
end
local limit = tonumber(ARGV[8])
if limit > 0 and redis.call('ZCARD', KEYS[4]) + redis.call('ZCARD', KEYS[5]) >= limit then return 0 end
if #KEYS == 7 then
  redis.call('SET', KEYS[7], ARGV[5], 'EX', ARGV[6])
  redis.call('HSET', KEYS[1], 'idempotency_key', KEYS[7])
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'tenant', ARGV[7], 'status', 'queued', 'spec', ARGV[2], 'created_at', ARGV[3], 'attempts', '0')
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'estimate', ARGV[9]) end
redis.call('SADD', KEYS[6], ARGV[7])
redis.call('XADD', KEYS[2], '*', 'type', 'status', 'data', ARGV[4])
-- Microseconds from Redis's own clock (built as a string: Lua would print the number with 14 digits).
local now = redis.call('TIME')
redis.call('ZADD', KEYS[3], now[1] .. string.format('%06d', tonumber(now[2])), ARGV[1])
move_status(KEYS[3], ARGV[1], KEYS[4], {})
return 1
`);

/**
 * Marks the job running unless it has ended or a cancel was asked for before this attempt started
 * (the api sets cancel_requested before it publishes). The attempt's token becomes the record's
 * owner: from then on only this attempt may write. A pending cancel makes it the owner too, so
 * that the attempt can end the job cancelled: without the token its terminal write was fenced
 * off, BullMQ left the job active with no lock renewed, and the stalled check failed the job
 * WORKER_LOST minutes later (issue 13's cancel race). Run twice for one attempt (ioredis resends
 * a command whose reply a Redis restart swallowed), it writes nothing the second time.
 * KEYS: record, stream, created, queued, running. ARGV: attempt, now, event, id, owner.
 * Returns {0} (ended), {2} (cancel pending) or {1, first started_at}.
 */
export const START = withIndex(`
local s = redis.call('HGET', KEYS[1], 'status')
if not s or ended(s) then return {0} end
if redis.call('HEXISTS', KEYS[1], 'cancel_requested') == 1 then
  redis.call('HSET', KEYS[1], 'owner', ARGV[5])
  return {2}
end
if redis.call('HGET', KEYS[1], 'owner') == ARGV[5] then return {1, redis.call('HGET', KEYS[1], 'started_at')} end
redis.call('HSET', KEYS[1], 'status', 'running', 'attempts', ARGV[1], 'owner', ARGV[5], 'seq', 0)
redis.call('HSETNX', KEYS[1], 'started_at', ARGV[2])
redis.call('XADD', KEYS[2], '*', 'type', 'status', 'data', ARGV[3])
move_status(KEYS[3], ARGV[4], KEYS[5], {KEYS[4]})
return {1, redis.call('HGET', KEYS[1], 'started_at')}
`);

/**
 * Appends an event (an epoch event also updates the record's progress) only while ARGV[1] owns
 * the job. ARGV[7] numbers the attempt's events: one already written (a resent command) is not
 * written again, so a Redis restart between an event and its reply cannot report an epoch twice.
 * KEYS: record, stream. ARGV: owner, type, event, epoch, metrics, samples/s, seq ('' ×3 when not an epoch).
 * Returns 1, or 0 when fenced off.
 */
export const EMIT = new LuaScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if tonumber(ARGV[7]) <= tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') then return 1 end
redis.call('HSET', KEYS[1], 'seq', ARGV[7])
redis.call('XADD', KEYS[2], '*', 'type', ARGV[2], 'data', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'epoch', ARGV[4], 'metrics', ARGV[5], 'samples_per_second', ARGV[6]) end
return 1
`);

/**
 * Writes (or, with '', removes) an attempt's memory note, only while ARGV[1] owns the job.
 * KEYS: record. ARGV: owner, note JSON or ''. Returns 1, or 0 when fenced off.
 */
export const ATTEMPT_MEMORY = new LuaScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'attempt_memory') else redis.call('HSET', KEYS[1], 'attempt_memory', ARGV[2]) end
return 1
`);

/**
 * Writes the terminal status, the terminal event and the status index together, once: whoever
 * comes second (thread, worker main thread, api cancelling a queued job) changes nothing. A
 * training thread passes its owner token (ARGV[8]); when another attempt has taken the job over
 * since, it is fenced off. Callers without a token (the api, a worker's main thread) pass ''.
 * KEYS: record, stream, created, queued, running, the terminal status's set.
 * ARGV: status, now, event type, event, metrics or '', error or '', id, owner or ''.
 * Returns 1 (ended now), 0 (had already ended) or 2 (fenced off).
 */
export const FINISH_JOB = withIndex(`
local s = redis.call('HGET', KEYS[1], 'status')
if not s or ended(s) then return 0 end
if ARGV[8] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[8] then return 2 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'metrics', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[6]) end
redis.call('XADD', KEYS[2], '*', 'type', ARGV[3], 'data', ARGV[4])
move_status(KEYS[3], ARGV[7], KEYS[6], {KEYS[4], KEYS[5]})
return 1
`);

/**
 * Removes a job of this tenant: record, stream, index entries and idempotency key. Without
 * ARGV[3] only a finished job (a live one answers its status); with it, any (a record whose
 * enqueue failed). KEYS: record, stream, then the index sets and the idempotency key (the
 * record's own, or a placeholder). ARGV: id, tenant, force ('1' or ''). Returns 0 when unknown
 * or another tenant's, 1 when removed.
 */
export const DELETE = withIndex(`
local s, t, idem = unpack(redis.call('HMGET', KEYS[1], 'status', 'tenant', 'idempotency_key'))
if not s or t ~= ARGV[2] then return 0 end
if ARGV[3] == '' and not ended(s) then return s end
redis.call('DEL', KEYS[1], KEYS[2])
local sets = {}
for i = 3, #KEYS do
  if KEYS[i] == idem then redis.call('DEL', KEYS[i]) else table.insert(sets, KEYS[i]) end
end
unindex(ARGV[1], sets)
return 1
`);

/**
 * Notes on a live job or sweep of this tenant that a cancel was asked for (the first time
 * counts); a worker starting the job later ends it cancelled. KEYS: record. ARGV: now, tenant.
 * Returns the status found, or nil for an unknown record or another tenant's.
 */
export const REQUEST_CANCEL = new LuaScript(`
local s, t = unpack(redis.call('HMGET', KEYS[1], 'status', 'tenant'))
if not s or t ~= ARGV[2] then return false end
if s == 'queued' or s == 'running' then redis.call('HSETNX', KEYS[1], 'cancel_requested', ARGV[1]) end
return s
`);

/**
 * Ends a sweep once: status, ranking and its last event together; a second run changes nothing.
 * KEYS: record, stream. ARGV: status, now, ranking, event. Returns 1, or 0 when it had ended.
 */
export const FINISH_SWEEP = new LuaScript(`
local s = redis.call('HGET', KEYS[1], 'status')
if s ~= 'queued' and s ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2], 'ranking', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'type', 'sweep', 'data', ARGV[4])
return 1
`);
