import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { gemm } from '../kernels/gemm.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes, formatShape, sizeOf, stridesOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

// Offset of each output batch matrix inside an operand whose batch axes broadcast to `batch`.
function batchOffsets(own: Shape, batch: Shape, matSize: number): number[] {
  const count = sizeOf(batch);
  const ownStrides = stridesOf(own);
  const lead = batch.length - own.length;
  const offsets = new Array<number>(count);
  const idx = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < count; i++) {
    let off = 0;
    for (let ax = lead; ax < batch.length; ax++) {
      if (own[ax - lead] !== 1) off += idx[ax] * ownStrides[ax - lead];
    }
    offsets[i] = off * matSize;
    for (let ax = batch.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < batch[ax]) break;
      idx[ax] = 0;
    }
  }
  return offsets;
}

/**
 * Matrix product over the last two axes; leading (batch) axes broadcast.
 * Shape rule: [..., m, k] · [..., k, n] → [...broadcast, m, n].
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new TensorError('TENSOR_INVALID_SHAPE', `matmul needs rank ≥ 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const n = b.shape[b.ndim - 1];
  if (b.shape[b.ndim - 2] !== k) {
    throw new TensorError('TENSOR_SHAPE_MISMATCH', `matmul cannot contract ${formatShape(a.shape)} with ${formatShape(b.shape)}`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(batchA, batchB);
  } catch {
    throw new TensorError('TENSOR_SHAPE_MISMATCH', `matmul cannot broadcast batch axes of ${formatShape(a.shape)} with ${formatShape(b.shape)}`);
  }
  const count = sizeOf(batch);
  const offA = batchOffsets(batchA, batch, m * k);
  const offB = batchOffsets(batchB, batch, k * n);
  const outShape = [...batch, m, n];
  const data = new Float32Array(count * m * n);
  for (let i = 0; i < count; i++) gemm(false, false, m, n, k, a.data, offA[i], b.data, offB[i], data, i * m * n, false);
  const out = new Tensor(data, outShape);
  return record(out, 'matmul', [a, b], (g) => {
    let da: Float32Array | null = null;
    let db: Float32Array | null = null;
    if (a.requiresGrad) {
      // dA = G·Bᵀ, then summed over batch axes that A broadcast along.
      const full = new Float32Array(count * m * k);
      for (let i = 0; i < count; i++) gemm(false, true, m, k, n, g, i * m * n, b.data, offB[i], full, i * m * k, false);
      da = sumToShape(full, [...batch, m, k], a.shape);
    }
    if (b.requiresGrad) {
      // dB = Aᵀ·G.
      const full = new Float32Array(count * k * n);
      for (let i = 0; i < count; i++) gemm(true, false, k, n, m, a.data, offA[i], g, i * m * n, full, i * k * n, false);
      db = sumToShape(full, [...batch, k, n], b.shape);
    }
    return [da, db];
  });
}
