import { parentPort, workerData } from 'node:worker_threads';
import { modelBlobKey } from '@trainyard/contracts';
import { connectBlobStore, type BlobStore, type BlobStoreConnection } from '@trainyard/store';
import { kernelMemoryBytes, setThreads } from '@trainyard/tensor';
import { PredictMessage, type FromThread, type PredictThreadData, type ToThread } from './protocol.js';
import { ModelRunner, toFailure } from './runner.js';

// The predict thread entry, a thin adapter: messages in, ModelRunner, results out. It loads the
// models itself, so their weights never pass through the api's event loop.
const env = workerData as PredictThreadData;
// The pool is the parallelism: one predict thread is one core, its GEMM included.
setThreads(1);

let store: BlobStoreConnection | undefined;
// It reconnects by itself; meanwhile a load fails and its request answers 503 (errors.ts).
const blobs = (): BlobStore =>
  (store ??= connectBlobStore(env.redisUrl, env.prefix, {
    maxRetriesPerRequest: 2,
    retryStrategy: (n) => Math.min(n * 100, 500),
    connectionName: `trainyard-api-predict@${env.prefix}`,
  })).blobs;
const runner = new ModelRunner(
  async (jobId) => {
    const store = blobs();
    const [json, weights] = await Promise.all([
      store.get(modelBlobKey(jobId, 'model.json')),
      store.get(modelBlobKey(jobId, 'weights.bin')),
    ]);
    return json && weights ? { json, weights } : null;
  },
  env.cacheEntries,
  env.cacheBytes,
);

// One task at a time: the api sends the next only after this one's result.
parentPort!.on('message', (msg: ToThread) => {
  if (msg.type === PredictMessage.Evict) return runner.evict(msg.jobId);
  const running = () => reply({ type: PredictMessage.Running, seq: msg.seq });
  void runner.predict(msg, running).then(
    (out) =>
      reply({
        type: PredictMessage.Result,
        seq: msg.seq,
        cached: runner.keys(),
        kernelBytes: kernelMemoryBytes(),
        ok: true,
        outputs: out.outputs,
      }),
    (err: unknown) =>
      reply({
        type: PredictMessage.Result,
        seq: msg.seq,
        cached: runner.keys(),
        kernelBytes: kernelMemoryBytes(),
        ok: false,
        error: toFailure(err),
      }),
  );
});

function reply(msg: FromThread): void {
  parentPort!.postMessage(msg);
}
