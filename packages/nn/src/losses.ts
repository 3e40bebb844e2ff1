import {
  abs,
  add,
  clip,
  div,
  exp,
  formatShape,
  log,
  logSoftmax,
  mean,
  minimum,
  mul,
  neg,
  oneHot,
  relu,
  reshape,
  shapesEqual,
  square,
  sub,
  sum,
  type Tensor,
} from '@trainyard/tensor';
import { ConfigReader, isObject } from './config/reader.js';
import { NnError } from './errors.js';

/** The Keras fuzz factor used to clip probabilities in crossentropies. */
export const EPS = 1e-7;

/** Canonical Keras loss names we implement. */
export type LossName =
  | 'mean_squared_error'
  | 'mean_absolute_error'
  | 'huber'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy';

/** A parsed loss. */
export interface LossSpec {
  name: LossName;
  fromLogits: boolean;
  /** Huber's switch point between the quadratic and linear parts (Keras default 1). */
  delta?: number;
}

const ALIASES: Record<string, LossName> = {
  mse: 'mean_squared_error',
  mean_squared_error: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mean_absolute_error: 'mean_absolute_error',
  huber: 'huber',
  huber_loss: 'huber',
  binary_crossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
};

const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Parses a loss name ('mse', 'sparse_categorical_crossentropy', 'meanSquaredError') or {class_name, config}. */
export function parseLoss(v: unknown, path = '/loss'): LossSpec {
  const raw = isObject(v) ? v.class_name : v;
  const name = typeof raw === 'string' ? ALIASES[snake(raw)] : undefined;
  if (name === undefined)
    throw new NnError('SPEC_UNKNOWN_LOSS', `unknown loss ${JSON.stringify(raw)}`, {
      path: isObject(v) ? `${path}/class_name` : path,
    });
  if (!isObject(v)) return name === 'huber' ? { name, fromLogits: false, delta: 1 } : { name, fromLogits: false };
  const r = new ConfigReader(isObject(v.config) ? v.config : {}, `${path}/config`, {}, 'SPEC_UNKNOWN_LOSS');
  const fromLogits = r.bool('from_logits', false);
  const regression = name === 'mean_squared_error' || name === 'mean_absolute_error' || name === 'huber';
  if (fromLogits && regression) r.fail('from_logits', `${name} has no from_logits option`);
  if (name !== 'huber' && r.has('delta')) r.fail('delta', `${name} has no delta option`);
  if (r.has('label_smoothing') && r.config.label_smoothing !== 0)
    r.fail('label_smoothing', 'label_smoothing is not supported yet');
  const reduction = r.config.reduction;
  if (reduction !== undefined && reduction !== null && reduction !== 'sum_over_batch_size' && reduction !== 'auto') {
    r.fail('reduction', `reduction ${JSON.stringify(reduction)} is not supported (sum_over_batch_size only)`);
  }
  r.unsupported(['ignore_class'], 'loss');
  return name === 'huber' ? { name, fromLogits, delta: r.number('delta', 1, { above: 0 }) } : { name, fromLogits };
}

/** Throws SPEC_INCOMPATIBLE_TARGETS unless per-sample target shape suits the loss and the per-sample output shape. */
export function checkTargets(loss: LossSpec, outputShape: readonly number[], targetShape: readonly number[]): void {
  const fail = (why: string): never => {
    throw new NnError(
      'SPEC_INCOMPATIBLE_TARGETS',
      `${loss.name} cannot compare model output ${formatShape(outputShape)} with targets ${formatShape(targetShape)}: ${why}`,
    );
  };
  const lead = outputShape.slice(0, -1);
  if (loss.name === 'sparse_categorical_crossentropy') {
    if (!shapesEqual(targetShape, lead) && !shapesEqual(targetShape, [...lead, 1]))
      fail(`targets must be class indices of shape ${formatShape(lead)} or ${formatShape([...lead, 1])}`);
    return;
  }
  if (shapesEqual(targetShape, outputShape)) return;
  if (
    loss.name !== 'categorical_crossentropy' &&
    outputShape[outputShape.length - 1] === 1 &&
    shapesEqual(targetShape, lead)
  )
    return;
  fail(
    loss.name === 'categorical_crossentropy' ? 'targets must be one-hot rows of the output shape' : 'shapes must match',
  );
}

/** Throws SPEC_INCOMPATIBLE_TARGETS when sparse labels are not integers in [0, classes), or binary targets leave [0, 1]. */
export function checkLabels(loss: LossSpec, y: Tensor, classes: number): void {
  const d = y.data;
  if (loss.name === 'sparse_categorical_crossentropy') {
    for (let i = 0; i < d.length; i++) {
      if (!Number.isInteger(d[i]) || d[i] < 0 || d[i] >= classes) {
        throw new NnError(
          'SPEC_INCOMPATIBLE_TARGETS',
          `label ${d[i]} at position ${i} is not a class index in [0, ${classes})`,
        );
      }
    }
  } else if (loss.name === 'binary_crossentropy') {
    for (let i = 0; i < d.length; i++) {
      if (!(d[i] >= 0 && d[i] <= 1))
        throw new NnError(
          'SPEC_INCOMPATIBLE_TARGETS',
          `binary_crossentropy target ${d[i]} at position ${i} is outside [0, 1]`,
        );
    }
  }
}

/** Brings a target batch to the prediction's shape (one-hot for sparse labels, trailing 1 added). */
export function alignTargets(loss: LossSpec, y: Tensor, predShape: readonly number[]): Tensor {
  if (loss.name === 'sparse_categorical_crossentropy') {
    const classes = predShape[predShape.length - 1];
    return reshape(oneHot(reshape(y, [-1]), classes), predShape);
  }
  return shapesEqual(y.shape, predShape) ? y : reshape(y, predShape);
}

/**
 * Mean loss over the batch ("sum_over_batch_size"), from probabilities (clipped to [EPS, 1−EPS] as
 * Keras does) or, when `logits` is set, from logits through the stable forms. `sampleWeight` [N]
 * weights each sample's loss; the sum is still divided by N, as Keras does.
 */
export function computeLoss(
  loss: LossSpec,
  yTrue: Tensor,
  yPred: Tensor,
  logits: boolean,
  sampleWeight?: Tensor,
): Tensor {
  const per = perSampleLoss(loss, yTrue, yPred, logits);
  if (!sampleWeight) return mean(per);
  // Keras: sum(loss_i·w_i) / N. Broadcasting w over the non-batch axes of `per` and averaging
  // everything equals that, since each sample's loss is itself the mean over those axes.
  const w = reshape(sampleWeight, [per.shape[0], ...per.shape.slice(1).map(() => 1)]);
  return mean(mul(per, w));
}

/** Element-wise loss values, batch axis first (last axis reduced for the crossentropies). */
function perSampleLoss(loss: LossSpec, yTrue: Tensor, yPred: Tensor, logits: boolean): Tensor {
  switch (loss.name) {
    case 'mean_squared_error':
      return square(sub(yPred, yTrue));
    case 'mean_absolute_error':
      return abs(sub(yPred, yTrue));
    case 'huber': {
      // ½q² + δ·(|e| − q) with q = min(|e|, δ): Keras's two branches, without a `where`.
      const delta = loss.delta ?? 1;
      const a = abs(sub(yPred, yTrue));
      const q = minimum(a, delta);
      return add(mul(square(q), 0.5), mul(sub(a, q), delta));
    }
    case 'binary_crossentropy': {
      if (logits) {
        // max(x, 0) − x·y + log(1 + e^−|x|)
        return add(sub(relu(yPred), mul(yPred, yTrue)), log(add(exp(neg(abs(yPred))), 1)));
      }
      const p = clip(yPred, EPS, 1 - EPS);
      return neg(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p)))));
    }
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy': {
      const logP = logits ? logSoftmax(yPred, -1) : log(clip(div(yPred, sum(yPred, -1, true)), EPS, 1 - EPS));
      return neg(sum(mul(yTrue, logP), -1));
    }
  }
}
