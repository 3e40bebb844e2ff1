export { checkKey, type BlobInput, type BlobStore } from './blob-store.js';
export { BlobKeyError, STORE_ERRORS, type StoreErrorCode } from './errors.js';
export { RedisBlobStore, type RedisBlobStoreOptions } from './redis-blob-store.js';
export { FsBlobStore } from './fs-blob-store.js';
export { connectBlobStore, type BlobStoreConnection } from './connect.js';
export { LuaScript } from './lua-script.js';
export { blobKeys, datasetKeys, jobKeys, keys, rateLimitKey, sweepKeys } from './keys.js';
export * from './lifecycle/index.js';
