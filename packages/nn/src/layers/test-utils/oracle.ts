// Test-only: build one of our layers from a Keras config, and compare it with the same
// TensorFlow.js layer holding identical weights (the cpu backend as a second engine).
import * as tf from '@tensorflow/tfjs';
import { Rng, Tensor } from '@trainyard/tensor';
import { expect } from 'vitest';
import { ConfigReader } from '../../config/reader.js';
import type { Layer, SymbolicShape } from '../layer.js';
import { findLayerClass } from '../registry.js';

tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
await tf.setBackend('cpu');
export { tf };

/** Our layer of `className` from a Keras config, built for `inputShape` (batch axis included). */
export function makeLayer(
  className: string,
  config: Record<string, unknown>,
  inputShape: SymbolicShape,
  seed = 1,
): Layer {
  const cls = findLayerClass(className);
  if (!cls) throw new Error(`no layer class ${className}`);
  const layer = cls.fromConfig(new ConfigReader(config, ''), 'l');
  layer.build(inputShape, new Rng(seed));
  return layer;
}

/** Uniform random tensor in [low, high), seeded. */
export function rand(shape: readonly number[], seed = 1, low = -1, high = 1): Tensor {
  const rng = new Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}

/** Largest absolute difference, after checking the shapes agree. */
export function maxDiff(ours: Tensor, theirs: tf.Tensor): number {
  expect([...ours.shape]).toEqual(theirs.shape);
  const a = ours.dataSync();
  const b = theirs.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/**
 * Runs `ours` and the TF.js layer `theirs` on x after copying our weights into theirs; returns
 * both outputs. The TF.js layer is built by one inference call first, so no statistics move.
 */
export function runBoth(ours: Layer, theirs: tf.layers.Layer, x: Tensor, training = false): [Tensor, tf.Tensor] {
  const tx = tf.tensor(x.dataSync(), [...x.shape]);
  theirs.apply(tx, { training: false });
  if (ours.weights.length > 0) theirs.setWeights(ours.weights.map((w) => tf.tensor(w.dataSync(), [...w.shape])));
  const theirsOut = theirs.apply(tx, { training }) as tf.Tensor;
  return [ours.call(x, { training }), theirsOut];
}

/** Asserts our layer and the TF.js layer agree within `tol` on x. */
export function expectSameAsTf(ours: Layer, theirs: tf.layers.Layer, x: Tensor, training = false, tol = 1e-5): void {
  const [a, b] = runBoth(ours, theirs, x, training);
  expect(maxDiff(a, b)).toBeLessThanOrEqual(tol);
}
