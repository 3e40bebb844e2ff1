// `pnpm bench NAME` (or `npm run bench -- NAME`): runs bench/NAME.ts after the usual bootstrap.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, build, ensureInstalled, ensureRedis, say } from './lib.mjs';

// tfjs-*.ts are rival processes the benches start themselves; tfjs.ts and util.ts are helpers,
// as is bench/lib/ (the service benches' api process and statistics), which this list never sees.
const names = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('tfjs') && f !== 'util.ts')
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  say(`usage: pnpm bench NAME, with NAME one of: ${names.join(', ')}`);
  process.exit(2);
}
ensureInstalled();
build();
const redis = await ensureRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { persist: false });
const r = spawnSync(
  process.execPath,
  ['--conditions=@trainyard/source', '--import', 'tsx', join(ROOT, 'bench', `${name}.ts`), ...process.argv.slice(3)],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, REDIS_URL: redis.url },
  },
);
await redis.stop();
process.exit(r.status ?? 1);
