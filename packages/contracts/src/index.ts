export * from './errors.js';
export * from './spec.js';
export * from './job.js';
export * from './events.js';
export * from './queue.js';
export * from './jobs.js';
export * from './datasets.js';
export * from './models.js';
