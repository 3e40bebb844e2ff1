import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { gemm } from '../kernels/gemm.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes, formatShape, sizeOf, stridesOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

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
 * Matrix product over the last two axes; leading (batch) axes broadcast. `transposeA` reads `a`
 * as [..., k, m] and `transposeB` reads `b` as [..., n, k]; the GEMM kernel packs them transposed,
 * so no transpose is materialised. Shape rule: [..., m, k] · [..., k, n] → [...broadcast, m, n].
 */
export function matmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new TensorError(
      'TENSOR_INVALID_SHAPE',
      `matmul needs rank ≥ 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const ra = a.shape[a.ndim - 2];
  const ca = a.shape[a.ndim - 1];
  const rb = b.shape[b.ndim - 2];
  const cb = b.shape[b.ndim - 1];
  const m = transposeA ? ca : ra;
  const k = transposeA ? ra : ca;
  const n = transposeB ? rb : cb;
  if ((transposeB ? cb : rb) !== k) {
    const flags = transposeA || transposeB ? ` (transposeA=${transposeA}, transposeB=${transposeB})` : '';
    throw new TensorError(
      'TENSOR_SHAPE_MISMATCH',
      `matmul cannot contract ${formatShape(a.shape)} with ${formatShape(b.shape)}${flags}`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(batchA, batchB);
  } catch {
    throw new TensorError(
      'TENSOR_SHAPE_MISMATCH',
      `matmul cannot broadcast batch axes of ${formatShape(a.shape)} with ${formatShape(b.shape)}`,
    );
  }
  const ad = contiguousData(a);
  const bd = contiguousData(b);
  const count = sizeOf(batch);
  const offA = batchOffsets(batchA, batch, m * k);
  const offB = batchOffsets(batchB, batch, k * n);
  const outShape = [...batch, m, n];
  const data = new Float32Array(count * m * n);
  for (let i = 0; i < count; i++)
    gemm(transposeA, transposeB, m, n, k, ad, offA[i], bd, offB[i], data, i * m * n, false);
  const out = new Tensor(data, outShape);
  return record(out, 'matmul', [a, b], (g) => {
    let da: Float32Array | null = null;
    let db: Float32Array | null = null;
    // With C = op(A)·op(B): d op(A) = G·op(B)ᵀ and d op(B) = op(A)ᵀ·G. When an operand is stored
    // transposed, its gradient is the transpose of that, which swaps the GEMM's factors instead.
    if (a.requiresGrad) {
      const full = new Float32Array(count * m * k);
      for (let i = 0; i < count; i++) {
        if (transposeA)
          gemm(transposeB, true, k, m, n, bd, offB[i], g, i * m * n, full, i * m * k, false); // op(B)·Gᵀ
        else gemm(false, !transposeB, m, k, n, g, i * m * n, bd, offB[i], full, i * m * k, false); // G·op(B)ᵀ
      }
      da = sumToShape(full, [...batch, ...a.shape.slice(-2)], a.shape);
    }
    if (b.requiresGrad) {
      const full = new Float32Array(count * k * n);
      for (let i = 0; i < count; i++) {
        if (transposeB)
          gemm(true, transposeA, n, k, m, g, i * m * n, ad, offA[i], full, i * k * n, false); // Gᵀ·op(A)
        else gemm(!transposeA, false, k, n, m, ad, offA[i], g, i * m * n, full, i * k * n, false); // op(A)ᵀ·G
      }
      db = sumToShape(full, [...batch, ...b.shape.slice(-2)], b.shape);
    }
    return [da, db];
  });
}
