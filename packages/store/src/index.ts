export { BlobKeyError, checkKey, type BlobInput, type BlobStore } from './blob-store.js';
export { RedisBlobStore, type RedisBlobStoreOptions } from './redis-blob-store.js';
export { FsBlobStore } from './fs-blob-store.js';
export { connectBlobStore, type BlobStoreConnection } from './connect.js';
