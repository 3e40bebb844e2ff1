export { createTrainWorker, PROCESSOR_PATH, type TrainWorker } from './worker.js';
export { loadConfig, type WorkerConfig } from './config.js';
export { train, type TrainResult } from './train.js';
