// The fuzz suite's knobs. CI runs the defaults: a fixed seed, so a failure reproduces, and a
// time budget per suite, so the suite's cost stays bounded. A long local run raises the budget:
//   FUZZ_TIME_MS=600000 FUZZ_SEED=$RANDOM npx vitest run test/fuzz
// A failing run prints its seed and fast-check's path; FUZZ_SEED replays it.

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return n;
}

/** FUZZ_SEED: fast-check's seed for every fuzz property (20261202). */
export const FUZZ_SEED = intEnv('FUZZ_SEED', 20261202);

/** FUZZ_TIME_MS: the time each fuzz file spends generating requests, setup and final checks aside (20 s). */
export const FUZZ_TIME_MS = intEnv('FUZZ_TIME_MS', 20_000);

/** fast-check's parameters for one property given its share of the budget; numRuns is only a ceiling. */
export function runParameters(timeMs: number, offset = 0) {
  return {
    seed: FUZZ_SEED + offset,
    numRuns: 1_000_000,
    interruptAfterTimeLimit: Math.max(200, Math.round(timeMs)),
    markInterruptAsFailure: false,
    endOnFailure: false,
  };
}
