import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError } from './errors.js';
import { gunzipError, isGzip, MAX_IDX_BYTES, parseIdx, type IdxArray } from './idx.js';
import type { Dataset, NdArray } from './types.js';

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** The classes in label order (label 9 is an ankle boot). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const gunzipAsync = promisify(gunzip);

/** The install hint every "not installed" error carries. */
export function fashionMnistHint(): string {
  const files = Object.values(FASHION_MNIST_FILES).join(', ');
  return (
    `Install it with "apt-get install dataset-fashion-mnist" (Debian package; it puts the files in ${FASHION_MNIST_DIR}), ` +
    `or set FASHION_MNIST_DIR to a folder holding the four IDX .gz files (${files}).`
  );
}

async function readIdx(dir: string, file: string): Promise<IdxArray> {
  const path = join(dir, file);
  let bytes: Uint8Array = await readFile(path);
  // Decompress on libuv's pool so the four files inflate in parallel and the event loop stays free.
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_IDX_BYTES });
    } catch (err) {
      throw gunzipError(err, path);
    }
  }
  return parseIdx(bytes, path);
}

/** Checks an images/labels pair and converts it: pixels / 255 as float32, labels as floats. */
function toArrays(
  images: IdxArray,
  labels: IdxArray,
  dir: string,
  files: [string, string],
): { x: NdArray; y: NdArray } {
  const [imagesPath, labelsPath] = files.map((f) => join(dir, f)) as [string, string];
  const [n, h, w] = images.shape;
  if (!(images.data instanceof Uint8Array) || images.shape.length !== 3 || h !== 28 || w !== 28) {
    throw new DataError(
      'DATASET_CORRUPT',
      `${imagesPath} should hold unsigned bytes of shape [N, 28, 28], got shape [${images.shape.join(', ')}]`,
      {
        path: imagesPath,
      },
    );
  }
  if (!(labels.data instanceof Uint8Array) || labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new DataError(
      'DATASET_CORRUPT',
      `${labelsPath} should hold ${n} unsigned byte labels, got shape [${labels.shape.join(', ')}]`,
      { path: labelsPath },
    );
  }
  const src = images.data;
  const x = new Float32Array(src.length);
  // Division, not multiplication by 1/255, so every value equals Keras's `x / 255.0` bit for bit.
  for (let i = 0; i < src.length; i++) x[i] = src[i] / 255;
  const y = new Float32Array(n!);
  for (let i = 0; i < n!; i++) {
    const label = labels.data[i];
    if (label > 9)
      throw new DataError(
        'DATASET_CORRUPT',
        `${labelsPath} has label ${label} at index ${i}; Fashion-MNIST has classes 0 to 9`,
        { path: labelsPath },
      );
    y[i] = label;
  }
  return { x: { data: x, shape: [n!, 28, 28] }, y: { data: y, shape: [n!] } };
}

/** Loads Fashion-MNIST as Keras does: x [60000, 28, 28] in [0, 1], y [60000], and the 10,000-image test split. */
export async function loadFashionMnist(dir: string = FASHION_MNIST_DIR): Promise<Dataset> {
  const names = Object.values(FASHION_MNIST_FILES);
  const reads = await Promise.allSettled(names.map((f) => readIdx(dir, f)));
  const unreadable = reads.flatMap((r, i) =>
    r.status === 'rejected' && !(r.reason instanceof DataError) ? [{ file: names[i], reason: r.reason }] : [],
  );
  if (unreadable.length) {
    const codes = unreadable.map(
      ({ file, reason }) => `${file} (${(reason as { code?: string }).code ?? 'unreadable'})`,
    );
    throw new DataError(
      'DATASET_NOT_INSTALLED',
      `Fashion-MNIST is not installed in ${dir}: cannot read ${codes.join(', ')}. ${fashionMnistHint()}`,
      {
        path: dir,
        missing: unreadable.map((u) => u.file),
      },
    );
  }
  const failed = reads.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [trainImages, trainLabels, testImages, testLabels] = reads.map(
    (r) => (r as PromiseFulfilledResult<IdxArray>).value,
  ) as [IdxArray, IdxArray, IdxArray, IdxArray];
  const train = toArrays(trainImages, trainLabels, dir, [
    FASHION_MNIST_FILES.trainImages,
    FASHION_MNIST_FILES.trainLabels,
  ]);
  const test = toArrays(testImages, testLabels, dir, [FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels]);
  return { name: 'fashion-mnist', x: train.x, y: train.y, classes: 10, test };
}
