import { Activation } from '../layers/activation.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { LSTM } from '../layers/lstm.js';
import { MergeLayer } from '../layers/merge.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import { Permute } from '../layers/reshape.js';
import { SimpleRNN } from '../layers/simple-rnn.js';
import type { Layer } from '../layers/layer.js';
import type { MetricSpec } from '../metrics.js';
import { parseOptimizer } from '../optimizers/registry.js';
import type { KerasArg } from './compile.js';
import { layerForwardFlops } from './flops.js';
import { analyse, outputsOf, type AnalysedLayer, type SpecOptions } from './spec.js';

// Every tensor is float32 (int32 indices are the same width).
const F32 = 4;
// The worker evaluates a built-in test split in batches of this many samples (services/worker train.ts).
export const TEST_BATCH = 1024;
// The WebAssembly kernels copy one call's operands into their linear memory in chunks of about
// this many floats besides whole weight matrices (kernels/gemm-wasm.ts); the memory never shrinks.
const KERNEL_CHUNK_FLOATS = 1 << 21;
/**
 * What any training run adds besides its tensors: V8's young generation (two 16 MiB semi-spaces on
 * 64-bit, which a training loop's small garbage fills) and typed arrays not yet collected. Measured
 * by `pnpm bench estimate`: the classic-table MLPs, whose tensors take under 2 MiB, peaked 28–42 MiB
 * above an idle process.
 */
export const RUNTIME_BYTES = 34 * 2 ** 20;

/** Where one layer's share of a training step goes. */
export interface LayerEstimate {
  layer: string;
  className: string;
  params: number;
  /** Bytes the layer's forward pass keeps for backward at the job's batch size, plus their gradients. */
  activationBytes: number;
  /** Forward FLOPs for one sample (forwardFlops's count: a multiply-add counts 2). */
  flopsPerSample: number;
}

/** The resource estimate of one training job; see estimateTraining. */
export interface TrainingEstimate {
  params: number;
  trainableParams: number;
  /** Peak resident bytes the job adds to a worker, and its parts. */
  memoryBytes: number;
  bytes: {
    parameters: number;
    gradients: number;
    optimizer: number;
    /** Forward tensors kept for backward and the backward pass's gradients, at the batch size. */
    activations: number;
    /** One batch of inputs and targets gathered from the dataset. */
    batch: number;
    /** Forward-only pass of validation (batch size) or the test split (TEST_BATCH samples). */
    evaluation: number;
    /** Weight and optimizer copies made by the epoch-end checkpoint. */
    checkpoint: number;
    /** The WebAssembly kernels' linear memory (sized by the largest call; never shrinks). */
    kernels: number;
    metrics: number;
    dataset: number;
    /** What loading the dataset holds besides the float32 arrays, until the collector frees it. */
    loading: number;
    /** The engine's own working set while it trains (see RUNTIME_BYTES). */
    runtime: number;
  };
  /** Training FLOPs per epoch: forward + backward (≈ 3× forward) over the training samples, forward over the validation samples. */
  flopsPerEpoch: number;
  forwardFlopsPerSample: number;
  layers: LayerEstimate[];
}

/** The job's data and fit settings the estimate needs. */
export interface EstimateOptions extends SpecOptions {
  /** compile.optimizer (Keras name or {class_name, config}); decides the optimizer slots per parameter. */
  optimizer: KerasArg;
  /** Parsed metrics of every output (AUC's threshold arrays are the large ones). */
  metrics?: readonly MetricSpec[];
  batchSize: number;
  /** Samples one epoch trains on. */
  trainSamples: number;
  /** Samples held out for validation (validation_split), evaluated every epoch. */
  validationSamples?: number;
  /** Samples of a test split evaluated after training. */
  testSamples?: number;
  /** Bytes of the dataset as the worker holds it (all splits); default: every sample as float32. */
  datasetBytes?: number;
  /** Bytes the loader holds beside the float32 arrays while it converts them (IDX bytes and their gzip files, an upload's .npy blobs). */
  loadingBytes?: number;
  /** Floats per target row (0 or absent: one class index per sample). */
  targetSize?: number;
}

const prod = (shape: readonly (number | null)[]): number => shape.reduce<number>((a, d) => a * (d ?? 1), 1);

// Full-size tensors an activation function allocates per output element (forward), from its op graph.
function activationCost(name: string): number {
  if (name === 'linear') return 0;
  if (name === 'softmax' || name === 'log_softmax') return 4; // max, shift, exp, sum/div
  if (name === 'gelu' || name === 'swish' || name === 'silu' || name === 'softplus' || name === 'hard_sigmoid')
    return 3;
  if (name === 'elu' || name === 'selu' || name === 'leaky_relu' || name === 'mish') return 2;
  return 1; // relu, sigmoid, tanh: one fused op
}

interface LayerCost {
  /** Floats per sample the forward pass allocates and keeps until backward (training mode). */
  kept: number;
  /**
   * Floats per sample of the gradients backward makes for them: the one arriving at the layer's
   * output plus those inside the layer (an add passes its gradient through, a view's is a view).
   */
  grads: number;
  /** Floats per sample a forward-only pass allocates (inference: no masks, no graph). */
  inference: number;
  /** Floats per batch whatever its size (Embedding's backward scatters into a table-sized gradient). */
  perBatch?: number;
  /** Floats of the largest WebAssembly kernel call for `b` samples, training (forward and gradients) or forward only. */
  kernel: (b: number, training: boolean) => number;
}

const noKernel = (): number => 0;

// Floats the WebAssembly GEMM moves into its memory for a [m, k]·[k, n] layer's forward and
// gradients: the whole [k, n] weight (or its gradient) plus a chunk of rows of the m-row operands.
function gemmFloats(m: number, k: number, n: number): number {
  const rows = Math.min(m, Math.max(256, Math.floor(KERNEL_CHUNK_FLOATS / (k + n))));
  return k * n + rows * (k + n);
}

// What the layer's call() allocates, read off each layer's forward code and its ops.
function layerCost(a: AnalysedLayer): LayerCost {
  const layer: Layer = a.layer;
  const inShape = a.inputShapes[0];
  const inSize = prod(inShape.slice(1));
  const outSize = prod(a.outputShape.slice(1));
  const simple = (kept: number, grads = 1): LayerCost => ({
    kept: kept * outSize,
    grads: grads * outSize,
    inference: kept * outSize,
    kernel: noKernel,
  });
  if (layer instanceof Dense) {
    const k = inShape[inShape.length - 1] as number;
    const rows = outSize / layer.units; // positions per sample (rank > 2 inputs)
    const act = activationCost(layer.activation);
    // x·W, + bias, the activation's tensors; backward: the output's gradient and the activation's.
    const kept = outSize * (1 + (layer.useBias ? 1 : 0) + act);
    return { kept, grads: outSize * (1 + act), inference: kept, kernel: (b) => gemmFloats(b * rows, k, layer.units) };
  }
  if (layer instanceof Conv2D) {
    const [kh, kw] = layer.kernelSize;
    const cin = inShape[3] as number;
    const act = layer.activation === 'relu' ? 0 : activationCost(layer.activation); // relu and bias run inside the kernel
    const filter = kh * kw * cin * layer.filters;
    // The kernel copies the batch's input and output into its memory (backward: also their
    // gradients) and the filter; the column matrix (im2col) is built a few images at a time (1 MB per thread).
    return {
      kept: outSize * (1 + act),
      grads: outSize * (1 + act),
      inference: outSize * (1 + act),
      kernel: (b, training) => (training ? 2 : 1) * (b * (inSize + outSize) + filter) + (1 << 18),
    };
  }
  if (layer instanceof MaxPooling2D) {
    // Output plus the int32 argmax map backward reads; the kernel copies input, output, argmax.
    return { kept: 2 * outSize, grads: outSize, inference: 2 * outSize, kernel: (b) => b * (inSize + 2 * outSize) };
  }
  if (layer instanceof AveragePooling2D) return { ...simple(1), kernel: (b) => b * (inSize + outSize) };
  if (layer instanceof GlobalAveragePooling2D || layer instanceof GlobalMaxPooling2D) return simple(2);
  if (layer instanceof Dropout) {
    // Training draws a float32 mask and multiplies; inference returns its input.
    return layer.rate > 0 ? { ...simple(2), inference: 0 } : simple(0, 0);
  }
  // Centred input, variance, normalised, scaled, shifted; as many gradients.
  if (layer instanceof BatchNormalization) return { ...simple(6, 5), inference: 4 * outSize };
  if (layer instanceof Activation) return simple(activationCost(layer.activation));
  if (layer instanceof Embedding) return { ...simple(1), perBatch: a.params };
  if (layer instanceof SimpleRNN || layer instanceof LSTM) {
    const steps = inShape[1] as number;
    const features = inShape[2] as number;
    const u = layer.units;
    const lstm = layer instanceof LSTM;
    const gates = lstm ? 4 : 1;
    // A time-major copy of x, x·W (+ bias) for all steps and its per-step slices; per step h·U,
    // the sum, and the gate arithmetic (LSTM: the four u-wide slices of z and ten u-wide products).
    const perStep = lstm ? 4 * u * 2 + 4 * u + 10 * u : 3 * u;
    const kept =
      steps * (features + gates * u * (layer.useBias ? 3 : 2) + perStep) + (layer.returnSequences ? outSize : 0);
    // Gradients: x needs none, the sums pass theirs through, the slices' gradients are gathered
    // into one for x·W; per step z, its slices and the products get theirs (the cell's sum passes).
    const grads = steps * (gates * u + (lstm ? 4 * u + 4 * u + 9 * u : u)) + (layer.returnSequences ? outSize : 0);
    // Inference keeps no graph: x·W for all steps, one step's temporaries, the output.
    const inference = steps * (features + 2 * gates * u) + perStep + outSize;
    return {
      kept,
      grads,
      inference,
      kernel: (b) => Math.max(gemmFloats(b * steps, features, gates * u), gemmFloats(b, u, gates * u)),
    };
  }
  if (layer instanceof MergeLayer) return simple(1);
  if (layer instanceof Permute) return simple(1);
  // Flatten and Reshape return views of their input, and views of its gradient.
  return simple(0, 0);
}

// Each streaming metric tracker's arrays (AUC: float32 thresholds plus float64 true- and
// false-positive counts per threshold); fit keeps one set for training and builds one per evaluation.
export function metricBytes(metrics: readonly MetricSpec[]): number {
  return metrics.reduce((s, m) => s + (m.kind === 'auc' ? (m.numThresholds ?? 200) * (4 + 8 + 8) : 64), 0);
}

/**
 * Estimates a training job's peak memory (bytes) and FLOPs per epoch from its Keras model
 * config, optimizer, metrics, batch size and data sizes, without allocating weights. Throws
 * NnError as inspectModel does. The peak is what stays for the whole job (weights, gradients,
 * optimizer slots, dataset, metric state, kernel memory) plus the largest of what comes and goes:
 * a training step's activations and gradients, an evaluation pass, an epoch-end checkpoint.
 */
export function estimateTraining(modelConfig: unknown, o: EstimateOptions): TrainingEstimate {
  const an = analyse(modelConfig, o);
  const layers = an.layers;
  const b = o.batchSize;
  const costs = layers.map(layerCost);
  const params = layers.reduce((s, a) => s + a.params, 0);
  const trainableParams = layers.reduce((s, a) => s + (a.layer.trainable ? trainable(a) : 0), 0);
  const slots = parseOptimizer(o.optimizer).slotsPerParam;
  const sampleSize = an.inputs.reduce((s, i) => s + prod(i.shape), 0);
  const targetSize = o.targetSize || 1;
  const val = o.validationSamples ?? 0;
  const test = o.testSamples ?? 0;
  const perLayer: LayerEstimate[] = layers.map((a, i) => ({
    layer: a.layer.name,
    className: a.layer.className,
    params: a.params,
    activationBytes: ((costs[i].kept + costs[i].grads) * b + (costs[i].perBatch ?? 0)) * F32,
    flopsPerSample: layerForwardFlops(a),
  }));
  const forwardFlopsPerSample = perLayer.reduce((s, l) => s + l.flopsPerSample, 0);
  const lastOut = outputsOf(an).reduce((s, out) => s + prod(out.shape), 0);
  // Loss: a few output-sized tensors per head (log-softmax, the product with the targets, their gradients).
  const lossBytes = 4 * lastOut * b * F32;
  const activations = perLayer.reduce((s, l) => s + l.activationBytes, 0) + lossBytes;
  const batch = 2 * b * (sampleSize + targetSize) * F32; // the gathered batch and its row indices' copies
  const evalBatch = Math.max(val > 0 ? b : 0, test > 0 ? Math.min(test, TEST_BATCH) : 0);
  const evaluation =
    evalBatch * (costs.reduce((s, c) => s + c.inference, 0) + sampleSize + targetSize + 2 * lastOut) * F32;
  const kernelFloats = Math.max(0, ...costs.map((c) => Math.max(c.kernel(b, true), c.kernel(evalBatch, false))));
  const parameters = params * F32;
  const gradients = trainableParams * F32;
  const optimizer = slots * trainableParams * F32;
  // getWeights()/optimizer copies, then their encoding into one buffer.
  const checkpoint = 2 * (params + slots * trainableParams) * F32;
  const metrics = 2 * metricBytes(o.metrics ?? []);
  const dataset = o.datasetBytes ?? (o.trainSamples + val + test) * (sampleSize + targetSize) * F32;
  const kernels = kernelFloats * F32;
  const loading = o.loadingBytes ?? 0;
  const runtime = RUNTIME_BYTES;
  // Loading ends before training starts, and evaluation and checkpoints happen between batches.
  const transient = Math.max(activations + batch, evaluation, checkpoint, loading);
  const memoryBytes = Math.round(
    runtime + parameters + gradients + optimizer + kernels + metrics + dataset + transient,
  );
  return {
    params,
    trainableParams,
    memoryBytes,
    bytes: {
      parameters,
      gradients,
      optimizer,
      activations,
      batch,
      evaluation,
      checkpoint,
      kernels,
      metrics,
      dataset,
      loading,
      runtime,
    },
    flopsPerEpoch: 3 * o.trainSamples * forwardFlopsPerSample + val * forwardFlopsPerSample,
    forwardFlopsPerSample,
    layers: perLayer,
  };
}

// BatchNormalization's moving mean and variance are parameters but not trained.
function trainable(a: AnalysedLayer): number {
  if (!(a.layer instanceof BatchNormalization)) return a.params;
  const trained = (a.layer.scale ? 1 : 0) + (a.layer.center ? 1 : 0);
  return (a.params / (2 + trained)) * trained;
}
