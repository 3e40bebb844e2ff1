/**
 * Every API key (and other secret) the tests use, in one place: the log check after a full run
 * (test/log-secrets.ts) greps the run's logs for each of them. A test that needs a key takes it
 * from here rather than writing its own.
 */
export const TEST_KEYS = {
  alpha: 'alpha-key-0123456789',
  alpha2: 'alpha-second-key-987654',
  bravo: 'bravo-key-0123456789',
  summaryAlpha: 'alpha-key-0123456789abcdef',
  summaryBravo: 'bravo-key-0123456789abcdef',
  sweepA: 'aaaaaaaaaaaaaaaa1',
  sweepB: 'bbbbbbbbbbbbbbbb2',
  ops: 'ops-key-0123456789abcdef',
  fuzz: 'fuzz-key-0123456789abcdef',
  user: 'user-key-0123456789abcdef',
  acme: 'acme-key-0123456789abcdef',
  cli: 'cli-test-key-0123456789',
  dashboard: 'dashboard-key-0123456789abcdef',
  redaction: 'redaction-key-0123456789abcdef',
  metricsToken: 'metrics-token-0123456789abcdef',
};

/** Keys that are refused by design (wrong on purpose); they must stay out of the logs all the same. */
export const WRONG_KEYS = ['nope-nope-nope-nope', 'wrong-key-0123456789', 'not-the-key-0123456789'] as const;

/** Everything the log check looks for. */
export const ALL_TEST_SECRETS: readonly string[] = [...Object.values(TEST_KEYS), ...WRONG_KEYS];
