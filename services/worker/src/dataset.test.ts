import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetBlobKey } from '@trainyard/contracts';
import { encodeNpy } from '@trainyard/data';
import { FsBlobStore } from '@trainyard/store';
import { loadDataset } from './dataset.js';

let dir: string;
let blobs: FsBlobStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ty-worker-ds-'));
  blobs = new FsBlobStore(dir);
  const id = 'ds_abcdef123';
  await blobs.put(
    datasetBlobKey(id, 'x.npy'),
    encodeNpy(
      Float32Array.from({ length: 20 }, (_, i) => i),
      [10, 2],
    ),
  );
  await blobs.put(
    datasetBlobKey(id, 'y.npy'),
    encodeNpy(
      Float32Array.from({ length: 10 }, (_, i) => i % 3),
      [10],
    ),
  );
  await blobs.put(datasetBlobKey(id, 'meta.json'), Buffer.from(JSON.stringify({ id, name: 'up', classes: 4 })));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadDataset { id }', () => {
  it('reads an uploaded dataset from the blob store, with its declared classes and a seeded test split', async () => {
    const all = await loadDataset({ id: 'ds_abcdef123' }, { fashionMnistDir: '/nonexistent', blobs });
    expect(all).toMatchObject({ name: 'up', classes: 4, x: { shape: [10, 2] }, y: { shape: [10] } });
    expect(all.test).toBeUndefined();
    const split = await loadDataset(
      { id: 'ds_abcdef123', options: { test_split: 0.3, seed: 2 } },
      { fashionMnistDir: '/nonexistent', blobs },
    );
    expect(split.x.shape).toEqual([7, 2]);
    expect(split.test?.x.shape).toEqual([3, 2]);
  });

  it('calls a deleted dataset a user error (DATASET_*), so the job is not retried', async () => {
    await expect(loadDataset({ id: 'ds_gone00000' }, { fashionMnistDir: '/nonexistent', blobs })).rejects.toMatchObject(
      { code: 'DATASET_INVALID' },
    );
  });
});
