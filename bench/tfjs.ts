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
    registerWasmFilterGrad();
  }
  await tf.setBackend(backend);
  await tf.ready();
}

/** model.fit, returning its History and the seconds spent inside epochs. */
export async function fitTimed(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  args: tf.ModelFitArgs,
): Promise<{ history: tf.History; trainSeconds: number }> {
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

/**
 * The filter gradient of a stride-1 convolution from Transpose and Conv2D (toolchain.md): pad x
 * as 'same' would (nothing for 'valid'), then dW = conv(xᵀ, dYᵀ) with batch and channels swapped,
 * transposed back.
 */
export function filterGradComposite(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kH: number,
  kW: number,
  pad: 'same' | 'valid' = 'same',
): tf.Tensor4D {
  return tf.tidy(() => {
    const padded =
      pad === 'same'
        ? tf.pad(x, [
            [0, 0],
            [(kH - 1) >> 1, kH >> 1],
            [(kW - 1) >> 1, kW >> 1],
            [0, 0],
          ])
        : x;
    const xt = tf.transpose(padded, [3, 1, 2, 0]); // [inC, Hp, Wp, N]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [outH, outW, N, outC]
    return tf.transpose(tf.conv2d(xt, dyt, 1, 'valid'), [1, 2, 0, 3]);
  });
}

// TF.js's wasm backend has no Conv2DBackpropFilter, so no CNN trains on it out of the box; this
// registers the composite above as that kernel (stride 1, no dilation, NHWC: what the benches use).
function registerWasmFilterGrad(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { strides, dilations, pad, dataFormat, filterShape } = attrs as unknown as {
        strides: number[] | number;
        dilations?: number[] | number;
        pad: string;
        dataFormat: string;
        filterShape: number[];
      };
      const ones = (v: number[] | number | undefined) => v === undefined || [v].flat().every((d) => d === 1);
      if (!ones(strides) || !ones(dilations) || dataFormat !== 'NHWC' || (pad !== 'same' && pad !== 'valid')) {
        throw new Error(
          `bench Conv2DBackpropFilter: only stride 1, dilation 1, NHWC, same/valid (got ${JSON.stringify(attrs)})`,
        );
      }
      const engine = tf.engine();
      const x = engine.makeTensorFromTensorInfo(inputs.x as tf.TensorInfo) as tf.Tensor4D;
      const dy = engine.makeTensorFromTensorInfo(inputs.dy as tf.TensorInfo) as tf.Tensor4D;
      const dw = filterGradComposite(x, dy, filterShape[0], filterShape[1], pad);
      tf.dispose([x, dy]);
      return dw;
    },
  });
}
