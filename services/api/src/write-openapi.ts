import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

// Writes openapi/openapi.json from the route schemas; `--check` fails when the committed file drifts.
const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../openapi/openapi.json');
const app = await buildApp({ config: loadConfig() });
await app.ready();
const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
if (process.argv.includes('--check')) {
  const { readFile } = await import('node:fs/promises');
  const current = await readFile(out, 'utf8').catch(() => '');
  if (current !== text) {
    console.error('openapi/openapi.json is out of date: run `pnpm openapi` and commit it');
    process.exit(1);
  }
  console.log('openapi/openapi.json is up to date');
} else {
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, text);
  console.log(`wrote ${out}`);
}
