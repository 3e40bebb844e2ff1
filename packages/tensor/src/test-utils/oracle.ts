// Test-only helpers: random inputs, the TensorFlow.js cpu backend as a second engine, and
// shared per-op suites so that every op file's test is short and checks the same things.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { Rng } from '../random.js';
import { sizeOf, type Shape } from '../shape.js';
import { Tensor, type DType } from '../tensor.js';

tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
await tf.setBackend('cpu');
export { tf };

/** Uniform random tensor in [low, high), seeded. */
export function rand(shape: Shape, seed = 1, low = -1, high = 1): Tensor {
  const rng = new Rng(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}

/** The same values as a tf.Tensor. */
export function toTf(x: Tensor<DType>): tf.Tensor {
  return tf.tensor(x.dataSync(), [...x.shape], x.dtype);
}

/** Asserts equal shapes and values within `tol` relative to magnitude. */
export function expectClose(
  ours: Tensor<DType>,
  expected: tf.Tensor | Tensor<DType> | { shape: number[]; data: ArrayLike<number> },
  tol = 1e-5,
): void {
  const shape =
    expected instanceof Tensor ? [...expected.shape] : expected instanceof tf.Tensor ? expected.shape : expected.shape;
  const data =
    expected instanceof Tensor
      ? expected.dataSync()
      : expected instanceof tf.Tensor
        ? expected.dataSync()
        : expected.data;
  expect([...ours.shape]).toEqual(shape);
  const got = ours.dataSync(); // row-major even when `ours` is a view
  for (let i = 0; i < ours.size; i++) {
    const a = got[i];
    const b = data[i];
    if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) {
      throw new Error(`element ${i}: got ${a}, expected ${b} (shape ${JSON.stringify(shape)})`);
    }
  }
}

/** Shape pairs covering rank 0, equal shapes, and broadcasting on either side. */
export const BROADCAST_PAIRS: [number[], number[]][] = [
  [[], []],
  [[3], []],
  [[], [2, 3]],
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [
    [4, 1],
    [1, 5],
  ],
  [
    [5, 1, 4],
    [3, 1],
  ],
  [
    [2, 1, 3],
    [1, 4, 1],
  ],
];

interface BinarySuite {
  ours: (a: Tensor, b: Tensor) => Tensor;
  theirs: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  low?: number;
  high?: number;
  /** Input b range (e.g. away from 0 for division). */
  bLow?: number;
  bHigh?: number;
}

/** Values against TF.js and finite-difference gradients over BROADCAST_PAIRS, plus the shape error. */
export function describeBinaryOp(name: string, s: BinarySuite): void {
  describe(name, () => {
    it.each(BROADCAST_PAIRS)('matches TF.js for %j with %j', (sa, sb) => {
      const a = rand(sa, 1, s.low, s.high);
      const b = rand(sb, 2, s.bLow ?? s.low, s.bHigh ?? s.high);
      expectClose(s.ours(a, b), s.theirs(toTf(a), toTf(b)));
    });
    it.each(BROADCAST_PAIRS)('has finite-difference gradients for %j with %j', (sa, sb) => {
      const a = rand(sa, 3, s.low, s.high);
      const b = rand(sb, 4, s.bLow ?? s.low, s.bHigh ?? s.high);
      gradcheck(s.ours, [a, b]);
    });
    it('rejects shapes that do not broadcast, naming both', () => {
      expect(() => s.ours(rand([3]), rand([4]))).toThrow('TENSOR_SHAPE_MISMATCH: cannot broadcast [3] with [4]');
    });
  });
}

interface UnarySuite {
  ours: (a: Tensor) => Tensor;
  theirs: (a: tf.Tensor) => tf.Tensor;
  low?: number;
  high?: number;
}

/** Values against TF.js (rank 0 to 3) and finite-difference gradients. */
export function describeUnaryOp(name: string, s: UnarySuite): void {
  const shapes: number[][] = [[], [7], [3, 4], [2, 3, 2]];
  describe(name, () => {
    it.each(shapes.map((shape) => [shape]))('matches TF.js for shape %j', (shape) => {
      const a = rand(shape, 5, s.low ?? -3, s.high ?? 3);
      expectClose(s.ours(a), s.theirs(toTf(a)));
    });
    it.each(shapes.map((shape) => [shape]))('has finite-difference gradients for shape %j', (shape) => {
      gradcheck(s.ours, [rand(shape, 6, s.low ?? -3, s.high ?? 3)]);
    });
  });
}
