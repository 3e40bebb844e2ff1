import { loadConfig } from './config.js';
import { buildApp } from './app.js';

// The thin server: read config, listen, close gracefully on SIGTERM/SIGINT.
const config = loadConfig();
const app = await buildApp({ config, logger: { level: config.logLevel } });

let closing = false;
function shutdown(reason: string): void {
  if (closing) return;
  closing = true;
  app.log.info({ reason }, 'closing');
  setTimeout(() => process.exit(1), 10_000).unref();
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      app.log.error({ err }, 'close failed');
      process.exit(1);
    },
  );
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
// Started by `npm start` with an IPC channel: when that supervisor goes, so do we.
if (process.send) process.once('disconnect', () => shutdown('supervisor exited'));

await app.listen({ port: config.port, host: config.host });
if (config.apiKeys)
  app.log.info({ tenants: [...new Set(config.apiKeys.values())] }, 'API keys configured: every /v1 request needs one');
else app.log.warn('open single-tenant mode: no TRAINYARD_API_KEYS, every request acts as tenant "default"');
app.log.info(`docs at http://localhost:${config.port}/docs`);
