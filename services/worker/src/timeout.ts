/** The abort reason of a job whose wall-clock budget (TrainJobData.timeoutMs) is spent. */
export const TIMEOUT_REASON = 'job timed out';

// setTimeout fires at once for delays above 2^31 - 1 ms (24.8 days); longer waits re-arm.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * A signal that aborts (reason TIMEOUT_REASON) `timeoutMs` after the job's first start, so the
 * budget covers every attempt: a retry gets only what is left, and none when it is spent. Without
 * a budget it never aborts. Call clear() when the attempt ends.
 *
 * @example const deadline = jobDeadline(startedAt, job.data.timeoutMs); … deadline.clear();
 */
export function jobDeadline(startedAt: number, timeoutMs: number | undefined): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    const left = startedAt + timeoutMs! - Date.now();
    if (left <= 0) controller.abort(TIMEOUT_REASON);
    else timer = setTimeout(check, Math.min(left, MAX_DELAY_MS));
  };
  if (timeoutMs !== undefined) check();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
