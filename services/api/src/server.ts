import { loadConfig } from './config.js';
import { buildApp } from './app.js';

// The thin server: read config, listen, close gracefully on SIGTERM/SIGINT.
const config = loadConfig();
const app = await buildApp({ config, logger: { level: config.logLevel } });

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: config.port, host: config.host });
app.log.info(`docs at http://localhost:${config.port}/docs`);
