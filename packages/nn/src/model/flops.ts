import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import type { SymbolicShape } from '../layers/layer.js';
import { AveragePooling2D, MaxPooling2D } from '../layers/pooling.js';
import { Recurrent } from '../layers/rnn.js';
import { analyse, type AnalysedLayer, type SpecOptions } from './spec.js';

/** Forward FLOPs of one layer for one sample. */
export interface LayerFlops {
  name: string;
  className: string;
  flops: number;
}

/** What `forwardFlops` reports: the per-sample total and each layer's share. */
export interface ForwardFlops {
  /** Floating-point operations (a multiply-add counts 2) of one sample's forward pass. */
  perSample: number;
  layers: LayerFlops[];
}

// Elements of a shape without its batch axis.
const perSample = (shape: SymbolicShape): number => shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);

/**
 * Forward FLOPs of one analysed layer for one sample, counted as the engine does the work:
 * GEMM-shaped layers cost 2 per multiply-add of their kernel at every output position (a
 * convolution's im2col covers the padding too, so a `same` kernel larger than its image costs its
 * full size at every pixel); everything else costs one operation per element it reads or writes.
 */
export function layerForwardFlops(a: Pick<AnalysedLayer, 'layer' | 'inputShapes' | 'outputShape'>): number {
  const { layer, inputShapes, outputShape } = a;
  const out = perSample(outputShape);
  const input = inputShapes.reduce((s, shape) => s + perSample(shape), 0);
  if (layer instanceof Dense) {
    const inShape = inputShapes[0];
    const features = inShape[inShape.length - 1] ?? 1;
    return 2 * out * features + out;
  }
  if (layer instanceof Conv2D) {
    const channels = inputShapes[0][3] ?? 1;
    return 2 * out * layer.kernelSize[0] * layer.kernelSize[1] * channels + out;
  }
  if (layer instanceof Recurrent) {
    // Every step multiplies the step's input and the previous state by the gates' kernels.
    const [, steps = 1, features = 1] = inputShapes[0];
    const width = layer.countParams(inputShapes[0]) / ((features ?? 1) + layer.units + (layer.useBias ? 1 : 0));
    return (steps ?? 1) * (2 * width * ((features ?? 1) + layer.units) + 4 * width);
  }
  if (layer instanceof MaxPooling2D || layer instanceof AveragePooling2D)
    return out * layer.poolSize[0] * layer.poolSize[1];
  return Math.max(out, input);
}

/**
 * Forward FLOPs of a Keras model config for one sample, from shape inference alone (no weights
 * are allocated). Throws NnError as `inspectModel` does.
 *
 * @example forwardFlops(config).perSample * samples // the cost of a predict request
 */
export function forwardFlops(modelConfig: unknown, opts: SpecOptions = {}): ForwardFlops {
  const layers = analyse(modelConfig, opts).layers.map((a) => ({
    name: a.layer.name,
    className: a.layer.className,
    flops: layerForwardFlops(a),
  }));
  return { perSample: layers.reduce((s, l) => s + l.flops, 0), layers };
}
