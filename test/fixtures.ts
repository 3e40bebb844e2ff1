/** A Keras Sequential MLP config as `model.to_json()` writes it (Keras 2 style, InputLayer first). */
export function mlp(inputDim: number, hidden: number[], classes: number): Record<string, unknown> {
  const layers: Record<string, unknown>[] = [
    { class_name: 'InputLayer', config: { batch_input_shape: [null, inputDim], dtype: 'float32', name: 'input' } },
  ];
  hidden.forEach((units, i) =>
    layers.push({ class_name: 'Dense', config: { name: `dense_${i}`, units, activation: 'relu' } }),
  );
  layers.push({ class_name: 'Dense', config: { name: 'out', units: classes, activation: 'softmax' } });
  return { class_name: 'Sequential', config: { name: 'mlp', layers }, keras_version: '2.15.0', backend: 'tensorflow' };
}

/** A job that learns two spirals to high accuracy in a few seconds. */
export function spiralsJob(overrides: { epochs?: number; samples?: number; seed?: number } = {}) {
  return {
    model: mlp(2, [64, 64], 2),
    compile: {
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    },
    fit: { epochs: overrides.epochs ?? 40, batch_size: 32, validation_split: 0.2, shuffle: true },
    dataset: { builtin: 'spirals', options: { samples: overrides.samples ?? 1000, noise: 0.1 } },
    seed: overrides.seed ?? 7,
  };
}
