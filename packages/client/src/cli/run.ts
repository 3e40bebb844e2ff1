// `trainyard`: train, list, follow, cancel and download jobs from a shell (main.ts is the bin).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TrainyardClient } from '../client.js';
import { TrainyardError } from '../errors.js';
import { EXIT, followJob } from './follow.js';
import { logsText, metricsTable, num, outOf, table, type Out } from './render.js';
import { UsageError, buildSpec, int, modelFrom, readJson, type DatasetTask, type TrainFlags } from './spec.js';

const USAGE = `Usage: trainyard <command> [options]

Commands:
  train MODEL.json --dataset NAME [options]   submit a job and follow it to the end
  jobs [--status S[,S]] [--limit N] [--json]  list jobs, newest first
  logs ID [--follow]                          a job's epochs so far; --follow streams until it ends
  cancel ID                                   cancel a queued or running job
  download ID [-o DIR]                        save a succeeded job's model.json and weights.bin
  help                                        this text

train options:
  MODEL.json               a Keras model config (model.to_json()), a TF.js model.json or a job body
  --spec FILE              a whole job body (model, compile, fit, dataset, seed); flags override it
  --dataset NAME           a built-in (spirals, moons, iris, fashion-mnist, …) or an uploaded ds_… id
  --dataset-option K=V     a built-in's option, e.g. samples=1000 (repeatable)
  --epochs N               (10)       --batch-size N           (32)
  --optimizer NAME         (adam)     --learning-rate F
  --loss NAME              (sparse_categorical_crossentropy, or mean_squared_error for regression)
  --metrics A,B            (accuracy for classification)
  --validation-split F     --seed N
  --detach                 submit, print the job id and exit

Every command: --url URL (TRAINYARD_URL, default http://localhost:3000),
               --api-key KEY (TRAINYARD_API_KEY)

Exit codes: 0 done, 1 the job failed or was cancelled, 2 bad usage, 3 the api refused or did not
answer (its error code is printed), 130 Ctrl-C while following (the job keeps running).
`;

const COMMON = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function clientFor(values: { url?: string; 'api-key'?: string }, env: NodeJS.ProcessEnv): TrainyardClient {
  const baseUrl = values.url ?? env.TRAINYARD_URL ?? 'http://localhost:3000';
  if (!/^https?:\/\/[^/]/.test(baseUrl))
    throw new UsageError(`the api URL must start with http:// or https://, got "${baseUrl}"`);
  return new TrainyardClient({ baseUrl, apiKey: values['api-key'] ?? (env.TRAINYARD_API_KEY || undefined) });
}

function one(positionals: string[], what: string, command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes one ${what}, got ${positionals.length}`);
  return positionals[0];
}

async function train(args: string[], env: NodeJS.ProcessEnv, out: Out, err: Out): Promise<number> {
  const { values, positionals } = parse(args, {
    spec: { type: 'string' },
    dataset: { type: 'string' },
    'dataset-option': { type: 'string', multiple: true },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    optimizer: { type: 'string' },
    'learning-rate': { type: 'string' },
    loss: { type: 'string' },
    metrics: { type: 'string' },
    'validation-split': { type: 'string' },
    seed: { type: 'string' },
    detach: { type: 'boolean' },
  });
  if (positionals.length > 1)
    throw new UsageError(`train takes one model file, got ${positionals.length}: ${positionals.join(' ')}`);
  const client = clientFor(values, env);
  const base = values.spec ? await readJson(values.spec, 'spec file') : undefined;
  const model = positionals[0] ? modelFrom(await readJson(positionals[0], 'model file'), positionals[0]) : undefined;
  buildSpec(base, model, values as TrainFlags, undefined); // bad flags are usage errors before any request
  // The loss and metrics default by task, so ask the api what a built-in dataset is.
  let task: DatasetTask;
  const needsTask = !base?.compile && !(values.loss && values.metrics !== undefined);
  if (needsTask && values.dataset && !values.dataset.startsWith('ds_')) {
    const found = (await client.listBuiltinDatasets()).items.find((d) => d.name === values.dataset);
    if (!found) throw new UsageError(`no built-in dataset "${values.dataset}"; see GET /v1/datasets/builtin`);
    task = found.task === 'regression' ? 'regression' : 'classification';
  }
  const spec = buildSpec(base, model, values as TrainFlags, task);
  const created = await client.submitJob(spec as never);
  if (values.detach) {
    out.write(`${created.id}\n`);
    return EXIT.OK;
  }
  const fit = spec.fit as { epochs: number };
  out.write(`Job ${created.id} queued. Ctrl-C stops following; the job keeps running.\n`);
  return followJob(client, created.id, out, err, { totalEpochs: fit.epochs });
}

async function jobs(args: string[], env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  const { values, positionals } = parse(args, {
    status: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`jobs takes no arguments, got ${positionals.join(' ')}`);
  const client = clientFor(values, env);
  const page = await client.listJobs({
    status: values.status?.split(',') as never,
    limit: int('limit', values.limit, 1),
  });
  if (values.json) {
    out.write(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT.OK;
  }
  if (page.items.length === 0) {
    out.write('No jobs.\n');
    return EXIT.OK;
  }
  const rows = page.items.map((j) => {
    const m = (j.metrics ?? {}) as Record<string, number>;
    const epochs = (j.spec as { fit?: { epochs?: number } }).fit?.epochs;
    return [
      j.id,
      j.status,
      `${j.epoch ?? 0}/${epochs ?? '?'}`,
      num(m.loss),
      num(m.accuracy),
      j.created_at.replace('T', ' ').slice(0, 19),
    ];
  });
  out.write(table(['ID', 'STATUS', 'EPOCH', 'LOSS', 'ACCURACY', 'CREATED (UTC)'], rows));
  if (page.next_cursor) out.write(`More: trainyard jobs --limit ${page.items.length * 2}\n`);
  return EXIT.OK;
}

async function logs(args: string[], env: NodeJS.ProcessEnv, out: Out, err: Out): Promise<number> {
  const { values, positionals } = parse(args, { follow: { type: 'boolean', short: 'f' } });
  const id = one(positionals, 'job id', 'logs');
  const client = clientFor(values, env);
  const job = await client.getJob(id);
  const epochs = (job.spec as { fit?: { epochs?: number } }).fit?.epochs;
  if (values.follow) return followJob(client, id, out, err, { totalEpochs: epochs });
  out.write(`Job ${id}: ${job.status}, epoch ${job.epoch ?? 0}/${epochs ?? '?'}\n`);
  const history = await client.getMetrics(id);
  history.epochs.forEach((epoch, i) => {
    const logs = Object.fromEntries(Object.entries(history.metrics).map(([k, series]) => [k, series[i]]));
    out.write(`Epoch ${epoch}/${epochs ?? '?'}  ${logsText(logs)}\n`);
  });
  if (job.error) out.write(`failed: ${job.error.code}: ${job.error.message}\n`);
  if (job.status === 'succeeded' && job.metrics) out.write(`\n${metricsTable(job.metrics)}`);
  if (job.status === 'queued' || job.status === 'running') out.write(`Follow it: trainyard logs ${id} --follow\n`);
  return EXIT.OK;
}

async function cancel(args: string[], env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  const { values, positionals } = parse(args, {});
  const id = one(positionals, 'job id', 'cancel');
  const job = await clientFor(values, env).cancelJob(id);
  out.write(
    job.status === 'cancelled'
      ? `Job ${id} cancelled.\n`
      : `Cancelling job ${id} (${job.status}); it stops at the next batch.\n`,
  );
  return EXIT.OK;
}

async function download(args: string[], env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' } });
  const id = one(positionals, 'job id', 'download');
  const dir = resolve(values.output ?? id);
  const { modelJson, weights } = await clientFor(values, env).downloadModel(id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), modelJson);
  await writeFile(join(dir, 'weights.bin'), weights);
  out.write(`${join(dir, 'model.json')}\n${join(dir, 'weights.bin')} (${weights.byteLength} bytes)\n`);
  out.write(`Load it with tf.loadLayersModel('file://${join(dir, 'model.json')}')\n`);
  return EXIT.OK;
}

const COMMANDS: Record<string, (args: string[], env: NodeJS.ProcessEnv, out: Out, err: Out) => Promise<number>> = {
  train,
  jobs,
  logs,
  cancel,
  download,
};

/** Runs one command line; returns the exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out = outOf(process.stdout),
  err = outOf(process.stderr),
): Promise<number> {
  const [command, ...args] = argv;
  if (
    command === undefined ||
    command === 'help' ||
    command === '--help' ||
    command === '-h' ||
    args.includes('--help') ||
    args.includes('-h')
  ) {
    (command === undefined ? err : out).write(USAGE);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(args, env, out, err);
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`trainyard: ${error.message}\nRun "trainyard help" for usage.\n`);
      return EXIT.USAGE;
    }
    if (error instanceof TrainyardError) {
      const path = typeof error.details.path === 'string' ? ` (at ${error.details.path})` : '';
      err.write(
        `trainyard: ${error.status ? `the api answered ${error.status} ` : ''}${error.code}: ${error.message.replace(`${error.code}: `, '')}${path}\n`,
      );
      return EXIT.API;
    }
    throw error;
  }
}
