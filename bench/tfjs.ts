// What every TensorFlow.js rival bench needs: the backend, set up as toolchain.md says, and a
// fit that reports training seconds only (epoch begin to end), as our side measures them.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Selects 'wasm' (SIMD, one thread; .wasm files from the package itself) or 'cpu'. */
export async function useBackend(backend: 'wasm' | 'cpu'): Promise<void> {
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  }
  await tf.setBackend(backend);
  await tf.ready();
}

/** model.fit, returning its History and the seconds spent inside epochs. */
export async function fitTimed(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, args: tf.ModelFitArgs): Promise<{ history: tf.History; trainSeconds: number }> {
  let trainSeconds = 0;
  let epochStart = 0;
  const history = await model.fit(x, y, {
    ...args,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        epochStart = performance.now();
      },
      onEpochEnd: async () => {
        trainSeconds += (performance.now() - epochStart) / 1000;
      },
    },
  });
  return { history, trainSeconds };
}

