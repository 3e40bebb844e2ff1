import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
import { expectDataErrorAsync } from './test-utils/expect-error.js';

function idx(type: number, shape: number[], payload: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = type;
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, Buffer.from(payload)]));
}

/** A miniature Fashion-MNIST: `n` train and `m` test images whose pixels encode their index. */
async function writeFake(dir: string, n = 3, m = 2, labels?: number[]): Promise<void> {
  const images = (k: number) =>
    Uint8Array.from({ length: k * 784 }, (_, i) => (Math.floor(i / 784) * 50 + (i % 784)) % 256);
  await writeFile(join(dir, FASHION_MNIST_FILES.trainImages), idx(0x08, [n, 28, 28], images(n)));
  await writeFile(
    join(dir, FASHION_MNIST_FILES.trainLabels),
    idx(0x08, [n], labels ?? Array.from({ length: n }, (_, i) => 9 - i)),
  );
  await writeFile(join(dir, FASHION_MNIST_FILES.testImages), idx(0x08, [m, 28, 28], images(m)));
  await writeFile(
    join(dir, FASHION_MNIST_FILES.testLabels),
    idx(
      0x08,
      [m],
      Array.from({ length: m }, (_, i) => i),
    ),
  );
}

describe('loadFashionMnist on a miniature copy', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-fmnist-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scales pixels to [0, 1] exactly as x / 255 and keeps labels and both splits', async () => {
    await writeFake(dir);
    const ds = await loadFashionMnist(dir);
    expect(ds).toMatchObject({ name: 'fashion-mnist', classes: 10 });
    expect(ds.x.shape).toEqual([3, 28, 28]);
    expect(ds.x.data[0]).toBe(0);
    expect(ds.x.data[255]).toBe(1);
    expect(ds.x.data[784 + 1]).toBe(Math.fround(51 / 255));
    expect([...ds.y.data]).toEqual([9, 8, 7]);
    expect(ds.test?.x.shape).toEqual([2, 28, 28]);
    expect([...ds.test!.y.data]).toEqual([0, 1]);
  });

  it('names exactly the missing files and says how to install them', async () => {
    await writeFake(dir);
    await unlink(join(dir, FASHION_MNIST_FILES.testLabels));
    const err = await expectDataErrorAsync(
      loadFashionMnist(dir),
      'DATASET_NOT_INSTALLED',
      /apt-get install dataset-fashion-mnist/,
    );
    expect(err.message).toMatch(/cannot read t10k-labels-idx1-ubyte\.gz \(ENOENT\)\. Install it/);
    expect(err.message).toMatch(/FASHION_MNIST_DIR/);
    expect(err.details).toEqual({ path: dir, missing: [FASHION_MNIST_FILES.testLabels] });
  });

  it('reports a missing folder as not installed, with the install hint', async () => {
    const missing = join(dir, 'nope');
    const err = await expectDataErrorAsync(loadFashionMnist(missing), 'DATASET_NOT_INSTALLED');
    expect(err.message).toContain(`Fashion-MNIST is not installed in ${missing}`);
    expect(err.message).toContain('"apt-get install dataset-fashion-mnist"');
    expect(err.message).toContain(`puts the files in ${FASHION_MNIST_DIR}`);
    expect(err.message).toContain('set FASHION_MNIST_DIR to a folder holding the four IDX .gz files');
    expect(err.details.missing).toHaveLength(4);
  });

  it('calls damaged files corrupt, naming the file', async () => {
    await writeFake(dir);
    const path = join(dir, FASHION_MNIST_FILES.trainImages);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 30));
    await expectDataErrorAsync(
      loadFashionMnist(dir),
      'DATASET_CORRUPT',
      new RegExp(`${FASHION_MNIST_FILES.trainImages}.*gzip`),
    );
  });

  it('rejects labels outside 0..9, counts that disagree, and images that are not 28×28', async () => {
    await writeFake(dir, 3, 2, [1, 10, 2]);
    await expectDataErrorAsync(loadFashionMnist(dir), 'DATASET_CORRUPT', /label 10 at index 1/);
    await writeFake(dir);
    await writeFile(join(dir, FASHION_MNIST_FILES.trainLabels), idx(0x08, [2], [1, 2]));
    await expectDataErrorAsync(
      loadFashionMnist(dir),
      'DATASET_CORRUPT',
      /should hold 3 unsigned byte labels, got shape \[2\]/,
    );
    await writeFake(dir);
    await writeFile(join(dir, FASHION_MNIST_FILES.testImages), idx(0x08, [1, 32, 32], new Uint8Array(1024)));
    await expectDataErrorAsync(loadFashionMnist(dir), 'DATASET_CORRUPT', /\[N, 28, 28\], got shape \[1, 32, 32\]/);
  });
});

// CI installs the Debian package (.ci/run), so there the real-file test always runs; a developer
// machine without it skips with the install hint.
const installed = existsSync(join(FASHION_MNIST_DIR, FASHION_MNIST_FILES.trainImages)) || process.env.CI === 'true';
if (!installed)
  console.warn(
    `Skipping the real Fashion-MNIST test: ${FASHION_MNIST_DIR} is missing (apt-get install dataset-fashion-mnist)`,
  );

describe.skipIf(!installed)(`loadFashionMnist on the real files in ${FASHION_MNIST_DIR}`, () => {
  it('loads 60,000 + 10,000 28×28 images in [0, 1] with balanced labels, first labels 9 (ankle boot)', async () => {
    const ds = await loadFashionMnist();

    expect(ds.x.shape).toEqual([60_000, 28, 28]);
    expect(ds.x.data.length).toBe(60_000 * 784);
    expect(ds.y.shape).toEqual([60_000]);
    expect(ds.test!.x.shape).toEqual([10_000, 28, 28]);
    expect(ds.test!.y.shape).toEqual([10_000]);
    expect(ds.classes).toBe(10);
    expect(ds.y.data[0]).toBe(9);
    expect(ds.test!.y.data[0]).toBe(9);

    // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
    for (const [labels, per] of [
      [ds.y.data, 6000],
      [ds.test!.y.data, 1000],
    ] as const) {
      const counts = new Array<number>(10).fill(0);
      for (const l of labels) counts[l] += 1;
      expect(counts).toEqual(new Array(10).fill(per));
    }

    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);

    // Spot-check against the raw bytes: every pixel is exactly its byte / 255, as Keras scales it.
    const raw = gunzipSync(await readFile(join(FASHION_MNIST_DIR, FASHION_MNIST_FILES.testImages))).subarray(16);
    for (let i = 0; i < raw.length; i += 997) expect(ds.test!.x.data[i]).toBe(Math.fround(raw[i] / 255));
    // The first training image (an ankle boot) is mostly background with a bright shoe.
    const first = ds.x.data.subarray(0, 784);
    expect(first.filter((v) => v === 0).length).toBeGreaterThan(300);
    expect(first.filter((v) => v > 0.5).length).toBeGreaterThan(100);
  });
});
