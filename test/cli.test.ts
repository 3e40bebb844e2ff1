import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainyardClient } from '../packages/client/src/index.js';
import { loadConfig } from '../services/api/src/index.js';
import { mlp } from './fixtures.js';
import { startStack, type Stack } from './stack.js';
import { TEST_KEYS } from '../services/api/src/test-utils/keys.js';

// The built `trainyard` bin, spawned as a user would, against the real api (API keys on) and workers.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/client/dist/cli/main.js');
const KEY = TEST_KEYS.cli;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

describe('trainyard CLI, end to end', () => {
  let stack: Stack;
  let client: TrainyardClient;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  /** Runs the CLI to its end; `onStdout` sees output as it arrives (and may signal the child). */
  function cli(
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; onStdout?: (all: string, child: ReturnType<typeof spawn>) => void } = {},
  ): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: opts.env ?? env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        opts.onStdout?.(stdout, child);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  const jobIdIn = (text: string) => /Job (job_[A-Za-z0-9_-]+) queued/.exec(text)?.[1];

  beforeAll(async () => {
    // The CLI under test is the compiled one; tsc -b is a quick no-op when dist is current.
    const built = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/client/tsconfig.build.json'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(built.status, built.stdout).toBe(0);
    stack = await startStack({
      workers: 2,
      api: { apiKeys: loadConfig({ TRAINYARD_API_KEYS: `cli:${KEY}` }).apiKeys },
    });
    client = new TrainyardClient({ baseUrl: stack.url, apiKey: KEY });
    dir = await mkdtemp(join(tmpdir(), 'trainyard-cli-'));
    await writeFile(join(dir, 'model.json'), JSON.stringify(mlp(2, [32], 2)));
    env = { PATH: process.env.PATH, TRAINYARD_URL: stack.url, TRAINYARD_API_KEY: KEY };
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let trainedId: string;

  it('train: submits, prints a line per epoch (plain, not a TTY) and the final metrics table', async () => {
    const r = await cli([
      'train',
      'model.json',
      '--dataset',
      'spirals',
      '--dataset-option',
      'samples=300',
      '--epochs',
      '3',
      '--batch-size',
      '32',
      '--validation-split',
      '0.2',
      '--seed',
      '3',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    trainedId = jobIdIn(r.stdout)!;
    expect(trainedId).toBeDefined();
    const lines = r.stdout.split('\n');
    for (const epoch of [1, 2, 3])
      expect(
        lines.some((l) =>
          new RegExp(`^Epoch ${epoch}/3  \\d+\\.\\ds  loss \\d\\.\\d{4}  accuracy \\d\\.\\d{4}  val_loss \\d`).test(l),
        ),
        r.stdout,
      ).toBe(true);
    // No progress bar redraws (carriage returns, ANSI escapes) into a pipe.
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toMatch(new RegExp(`Job ${trainedId} succeeded in`));
    expect(r.stdout).toMatch(/^metric +value\n-+ +-+\nloss +\d\.\d{4}\naccuracy +\d\.\d{4}\nval_loss +\d/m);
    expect(await client.getJob(trainedId)).toMatchObject({
      status: 'succeeded',
      epoch: 3,
      spec: { compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] } },
    });
  });

  it('jobs: a table with the job, its status and epochs; --json the page itself', async () => {
    const r = await cli(['jobs']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^ID +STATUS +EPOCH +LOSS +ACCURACY +CREATED \(UTC\)$/);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${trainedId} +succeeded +3/3 +\\d\\.\\d{4} +\\d\\.\\d{4} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`,
        'm',
      ),
    );
    const json = await cli(['jobs', '--json', '--status', 'succeeded', '--limit', '5']);
    expect(JSON.parse(json.stdout).items.map((j: { id: string }) => j.id)).toContain(trainedId);
  });

  it('logs: the epochs so far; --follow replays the whole stream of a finished job and ends', async () => {
    const r = await cli(['logs', trainedId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Job ${trainedId}: succeeded, epoch 3/3$`, 'm'));
    expect(r.stdout.match(/^Epoch \d\/3 {2}loss/gm)).toHaveLength(3);
    const f = await cli(['logs', trainedId, '--follow']);
    expect(f.code).toBe(0);
    expect(f.stdout).toMatch(/^status: running/m);
    expect(f.stdout.match(/^Epoch \d\/3 {2}/gm)).toHaveLength(3);
    expect(f.stdout).toMatch(/^metric +value$/m);
  });

  it('download: writes model.json and weights.bin, sized as the manifest says', async () => {
    const r = await cli(['download', trainedId, '-o', 'out']);
    expect(r.code).toBe(0);
    const model = JSON.parse(await readFile(join(dir, 'out/model.json'), 'utf8')) as {
      format: string;
      modelTopology: unknown;
      weightsManifest: { paths: string[]; weights: { shape: number[]; dtype: string }[] }[];
    };
    expect(model.format).toBe('layers-model');
    expect(model.weightsManifest[0].paths).toEqual(['weights.bin']);
    const floats = model.weightsManifest
      .flatMap((g) => g.weights)
      .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(floats).toBe(2 * 32 + 32 + 32 * 2 + 2);
    expect((await stat(join(dir, 'out/weights.bin'))).size).toBe(floats * 4);
    expect(r.stdout).toContain(`${join(dir, 'out/weights.bin')} (${floats * 4} bytes)`);
    // And the downloaded model.json trains again as the model of a new job.
    const again = await cli([
      'train',
      'out/model.json',
      '--dataset',
      'xor',
      '--epochs',
      '1',
      '--optimizer',
      'sgd',
      '--learning-rate',
      '0.1',
      '--detach',
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toMatch(/^job_/);
    expect((await client.getJob(again.stdout.trim())).spec.compile).toMatchObject({
      optimizer: { class_name: 'sgd', config: { learning_rate: 0.1 } },
    });
  });

  it('Ctrl-C while following stops following, asks nothing and leaves the job running; cancel then stops it', async () => {
    let id: string | undefined;
    const r = await cli(
      ['train', 'model.json', '--dataset', 'spirals', '--dataset-option', 'samples=2000', '--epochs', '300'],
      {
        onStdout: (all, child) => {
          if (id === undefined && /^Epoch 1\/300/m.test(all)) {
            id = jobIdIn(all);
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(id).toBeDefined();
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`stopped following; job ${id} keeps running`);
    expect(r.stderr).toContain(`trainyard logs ${id} --follow`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await client.getJob(id!)).status).toBe('running');

    const c = await cli(['cancel', id!]);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(new RegExp(`(Cancelling job ${id} \\(running\\)|Job ${id} cancelled)`));
    const follow = await cli(['logs', id!, '--follow']);
    expect(follow.code).toBe(1);
    expect(follow.stderr).toContain(`job ${id} was cancelled`);
    const again = await cli(['cancel', id!]); // harmless once cancelled
    expect(again).toMatchObject({ code: 0, stdout: `Job ${id} cancelled.\n` });
    const finished = await cli(['cancel', trainedId]);
    expect(finished.code).toBe(3);
    expect(finished.stderr).toBe(
      `trainyard: the api answered 409 JOB_ALREADY_FINISHED: Job ${trainedId} already succeeded\n`,
    );
  });

  it('bad arguments and refusals: a clear message and a non-zero exit code', async () => {
    const cases: [string[], number, RegExp, NodeJS.ProcessEnv?][] = [
      [[], 2, /^Usage: trainyard <command>/],
      [['frobnicate'], 2, /unknown command "frobnicate"/],
      [['train', 'model.json'], 2, /a dataset is needed: --dataset NAME/],
      [
        ['train', 'model.json', '--dataset', 'spirals', '--epochs', '0'],
        2,
        /--epochs must be an integer of at least 1, got "0"/,
      ],
      [['train', 'missing.json', '--dataset', 'spirals'], 2, /cannot read the model file missing.json: ENOENT/],
      [['train', 'model.json', '--dataset', 'nope'], 2, /no built-in dataset "nope"/],
      [['train', 'model.json', '--dataset', 'spirals', '--bogus'], 2, /Unknown option '--bogus'/],
      [['logs'], 2, /logs takes one job id, got 0/],
      [['logs', 'job_doesnotexist'], 3, /the api answered 404 JOB_NOT_FOUND: /],
      [['jobs'], 3, /the api answered 401 INVALID_API_KEY: /, { ...env, TRAINYARD_API_KEY: 'wrong-key-0123456789' }],
      [['jobs'], 3, /the api answered 401 UNAUTHENTICATED: /, { ...env, TRAINYARD_API_KEY: '' }],
      [['jobs', '--url', 'http://127.0.0.1:1'], 3, /UNREACHABLE: No answer from http:\/\/127\.0\.0\.1:1/],
    ];
    for (const [args, code, message, runEnv] of cases) {
      const r = await cli(args, { env: runEnv });
      expect({ args, code: r.code, stderr: r.stderr }).toMatchObject({
        args,
        code,
        stderr: expect.stringMatching(message),
      });
    }
    // An invalid model is refused by the api with its code and the field it is about.
    await writeFile(
      join(dir, 'lambda.json'),
      JSON.stringify({
        class_name: 'Sequential',
        config: { layers: [{ class_name: 'Lambda', config: { batch_input_shape: [null, 2] } }] },
      }),
    );
    const r = await cli(['train', 'lambda.json', '--dataset', 'spirals']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the api answered 400 SPEC_UNKNOWN_LAYER: .*Lambda/);
  });
});
