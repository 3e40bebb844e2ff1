// Test-only: TensorFlow.js (cpu backend) as the second engine our exports and models are checked against.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { LayersModelJson } from '../io/layers-model.js';

tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
await tf.setBackend('cpu');
export { tf };

const arrayBuffer = (b: Uint8Array): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Loads our export with `tf.loadLayersModel(tf.io.fromMemory(...))`, as the reference prescribes. */
export async function loadInTfjs(modelJson: LayersModelJson, bin: Uint8Array): Promise<tf.LayersModel> {
  const { modelTopology, format, generatedBy, convertedBy, weightsManifest } = modelJson;
  const weightSpecs = weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology, weightSpecs, weightData: arrayBuffer(bin), format, generatedBy, convertedBy }),
  );
}

/** Largest absolute difference, after checking the lengths agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
