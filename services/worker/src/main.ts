import { pino } from 'pino';
import { LOG_REDACT_PATHS, REDACTED } from '@trainyard/contracts';
import { loadConfig } from './config.js';
import { createTrainWorker } from './worker.js';

// The worker process: one BullMQ worker; SIGTERM/SIGINT stop taking jobs and drain.
const config = loadConfig();
const log = pino({
  level: config.logLevel,
  base: { service: 'worker', worker: config.name },
  redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
});
const trainer = createTrainWorker(config, log);
log.info({ concurrency: config.concurrency, prefix: config.prefix }, 'worker ready');

let closing = false;
function shutdown(reason: string): void {
  if (closing) return;
  closing = true;
  log.info({ reason, graceMs: config.shutdownGraceMs }, 'draining');
  // close() resolves within the grace period; this only guards against a hang after it.
  setTimeout(() => {
    log.error('shutdown overran the grace period; exiting');
    process.exit(1);
  }, config.shutdownGraceMs + 2000).unref();
  trainer.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'close failed');
      process.exit(1);
    },
  );
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
// Started by `npm start` with an IPC channel: when that supervisor goes, so do we.
if (process.send) process.once('disconnect', () => shutdown('supervisor exited'));
