import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from './load.js';
import { synthetic } from './synthetic.js';
import { expectDataErrorAsync } from './test-utils/expect-error.js';

describe('loadBuiltin', () => {
  it('generates synthetic data exactly as synthetic() does', async () => {
    const ds = await loadBuiltin('moons', { samples: 120, noise: 0.2, seed: 5 });
    expect(ds).toEqual(synthetic('moons', { samples: 120, noise: 0.2, seed: 5 }));
    expect((await loadBuiltin('blobs', undefined)).x.shape).toEqual([1000, 2]);
  });

  it('validates before generating', async () => {
    await expectDataErrorAsync(loadBuiltin('spirals', { samples: 1e9 }), 'DATASET_INVALID_OPTION', /samples/);
    await expectDataErrorAsync(loadBuiltin('imagenet', {}), 'DATASET_UNKNOWN_BUILTIN', /imagenet/);
    await expectDataErrorAsync(loadBuiltin('fashion-mnist', { samples: 10 }), 'DATASET_INVALID_OPTION', /samples/);
  });

  it('reads Fashion-MNIST from the configured folder, and says how to install it when it is empty', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'trainyard-data-'));
    try {
      const err = await expectDataErrorAsync(
        loadBuiltin('fashion-mnist', undefined, { fashionMnistDir: empty }),
        'DATASET_NOT_INSTALLED',
      );
      expect(err.message).toContain(empty);
      expect(err.message).toContain('apt-get install dataset-fashion-mnist');
      expect(err.message).toContain('FASHION_MNIST_DIR');
      expect(err.details.path).toBe(empty);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
