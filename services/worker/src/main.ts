import { pino } from 'pino';
import { loadConfig } from './config.js';
import { createTrainWorker } from './worker.js';

// The worker process: one BullMQ worker; SIGTERM/SIGINT stop taking jobs and drain.
const config = loadConfig();
const log = pino({ level: config.logLevel, base: { service: 'worker', worker: config.name } });
const trainer = createTrainWorker(config, log);
log.info({ concurrency: config.concurrency, prefix: config.prefix }, 'worker ready');

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'draining');
    trainer.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  });
}
