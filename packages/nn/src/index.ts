export { NN_ERRORS, NnError, type NnErrorCode, type NnErrorDetails } from './errors.js';
export { inspectModel, type IndexInput, type ModelInfo } from './model/inspect.js';
export type { ModelInput, SpecOptions } from './model/spec.js';
export { forwardFlops, layerForwardFlops, type ForwardFlops, type LayerFlops } from './model/flops.js';
export { Model, modelFromJson, type BatchResult, type HeadMetrics, type ModelData } from './model/model.js';
export {
  checkCompile,
  logNames,
  resolveHeads,
  type CompileArgs,
  type HeadSpec,
  type KerasArg,
} from './model/compile.js';
export type { FitOptions } from './model/fit.js';
export type { Callback, CallbackState, History, Logs } from './callbacks.js';
export {
  fromLayersModel,
  layersModelConfig,
  toLayersModel,
  type FromLayersModelOptions,
  type LayersModelJson,
} from './io/layers-model.js';
export {
  CHECKPOINT_FORMAT,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointJson,
  type CheckpointState,
  type RestoredState,
  type SavedCallbackState,
} from './io/checkpoint.js';
export type { WeightData, WeightSpec, WeightsGroup } from './io/weights.js';
export { Layer, type CallArgs, type SymbolicShape } from './layers/layer.js';
export { Dense } from './layers/dense.js';
export { Activation } from './layers/activation.js';
export { Flatten } from './layers/flatten.js';
export { Dropout } from './layers/dropout.js';
export { Conv2D } from './layers/conv2d.js';
export { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from './layers/pooling.js';
export { Permute, Reshape } from './layers/reshape.js';
export { BatchNormalization } from './layers/batch-normalization.js';
export { Embedding } from './layers/embedding.js';
export { LAYER_REGISTRY, type LayerClass } from './layers/registry.js';
export { ACTIVATIONS } from './activations.js';
export { INITIALIZERS, type InitializerSpec } from './initializers.js';
export { checkTargets, computeLoss, EPS, parseLoss, type LossName, type LossSpec } from './losses.js';
export {
  createMetrics,
  MAX_AUC_THRESHOLDS,
  parseMetrics,
  resolveAccuracy,
  type AccuracyKind,
  type Metric,
  type MetricBatch,
  type MetricSpec,
} from './metrics.js';
export { readRegularizer, serializeRegularizer, type Regularized, type RegularizerSpec } from './regularizers.js';
export { Optimizer, type CommonOptions } from './optimizers/optimizer.js';
export { SGD } from './optimizers/sgd.js';
export { Adam, AdamW } from './optimizers/adam.js';
export { RMSprop } from './optimizers/rmsprop.js';
export { Adagrad } from './optimizers/adagrad.js';
export { parseSchedule, SCHEDULES, type LearningRateSchedule } from './optimizers/schedules.js';
export { OPTIMIZER_REGISTRY, parseOptimizer } from './optimizers/registry.js';
export { EarlyStopping, TerminateOnNaN, type EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { LearningRateScheduler, ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './callbacks/learning-rate.js';
export { ModelCheckpoint, type CheckpointSink, type ModelCheckpointOptions } from './callbacks/model-checkpoint.js';
export { callbackFromConfig, type CallbackContext } from './callbacks/from-config.js';
export type { MonitorMode } from './callbacks/monitor.js';
export { SimpleRNN } from './layers/simple-rnn.js';
export { LSTM } from './layers/lstm.js';
export {
  estimateTraining,
  metricBytes,
  RUNTIME_BYTES,
  TEST_BATCH,
  type EstimateOptions,
  type LayerEstimate,
  type TrainingEstimate,
} from './model/estimate.js';
