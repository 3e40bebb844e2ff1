import { mul, sum, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { NnError } from '../errors.js';
import { isRegularized } from '../regularizers.js';
import type { Layer } from './layer.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';
import { makeLayer, maxDiff, rand, runBoth, tf } from './test-utils/oracle.js';

// Biases drawn away from zero so the oracle checks see them.
const RANDOM_BIAS = { class_name: 'RandomUniform', config: { minval: -0.5, maxval: 0.5 } };
const [B, T, F, U] = [3, 6, 4, 5];

type Kind = 'SimpleRNN' | 'LSTM';
interface Case {
  kind: Kind;
  returnSequences: boolean;
  goBackwards: boolean;
  activation?: string;
}

const CASES: Case[] = (['SimpleRNN', 'LSTM'] as const).flatMap((kind) =>
  [false, true].flatMap((returnSequences) =>
    [false, true].map((goBackwards) => ({ kind, returnSequences, goBackwards })),
  ),
);
CASES.push(
  { kind: 'SimpleRNN', returnSequences: true, goBackwards: false, activation: 'relu' },
  { kind: 'LSTM', returnSequences: false, goBackwards: true, activation: 'relu' },
);

const label = (c: Case): string =>
  `${c.kind} return_sequences=${c.returnSequences} go_backwards=${c.goBackwards}${c.activation ? ` activation=${c.activation}` : ''}`;

function ours(c: Case, seed = 1): Layer {
  const config = {
    units: U,
    return_sequences: c.returnSequences,
    go_backwards: c.goBackwards,
    bias_initializer: RANDOM_BIAS,
    activation: c.activation ?? 'tanh',
  };
  return makeLayer(c.kind, config, [null, T, F], seed);
}

function theirs(c: Case): tf.layers.Layer {
  const args = {
    units: U,
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    activation: (c.activation ?? 'tanh') as 'tanh',
  };
  return c.kind === 'LSTM' ? tf.layers.lstm({ ...args, recurrentActivation: 'sigmoid' }) : tf.layers.simpleRNN(args);
}

const worst = { forward: 0, gradient: 0 };

describe('SimpleRNN and LSTM against TensorFlow.js', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s: same outputs for the same weights', (_name, c) => {
    const layer = ours(c);
    const x = rand([B, T, F], 2);
    const [a, b] = runBoth(layer, theirs(c), x);
    expect(a.shape).toEqual(layer.computeOutputShape([B, T, F]));
    const d = maxDiff(a, b);
    worst.forward = Math.max(worst.forward, d);
    expect(d).toBeLessThanOrEqual(1e-5);
  });

  it.each(CASES.map((c) => [label(c), c] as const))(
    '%s: gradients w.r.t. input and every weight match tf.variableGrads',
    (_name, c) => {
      const layer = ours(c, 3);
      const tfLayer = theirs(c);
      const xData = rand([B, T, F], 4);
      const outShape = layer.computeOutputShape([B, T, F]) as number[];
      const probe = rand(outShape, 5); // loss = Σ out·probe, so every output element gets its own gradient

      const x = new Tensor(xData.data.slice(), [B, T, F], true);
      sum(mul(layer.call(x, { training: true }), probe)).backward();

      const tx = tf.variable(tf.tensor(xData.data, [B, T, F]));
      tfLayer.apply(tx);
      tfLayer.setWeights(layer.weights.map((w) => tf.tensor(w.data, [...w.shape])));
      const vars = [tx, ...tfLayer.trainableWeights.map((w) => w.read() as tf.Variable)];
      const tprobe = tf.tensor(probe.data, outShape);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tfLayer.apply(tx) as tf.Tensor, tprobe)), vars);

      const pairs: [Tensor, tf.Tensor][] = [
        [x, grads[tx.name]],
        ...layer.weights.map((w, i) => [w, grads[vars[i + 1].name]] as [Tensor, tf.Tensor]),
      ];
      expect(layer.weights).toHaveLength(3);
      for (const [w, g] of pairs) {
        expect(w.grad).not.toBeNull();
        const d = maxDiff(w.grad!, g);
        worst.gradient = Math.max(worst.gradient, d);
        expect(d).toBeLessThanOrEqual(1e-4);
      }
    },
  );

  it('reports the worst differences seen', () => {
    console.log(
      `RNN oracle max |diff|: outputs ${worst.forward.toExponential(2)}, gradients ${worst.gradient.toExponential(2)}`,
    );
    expect(worst.forward).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters as Keras and TF.js do (LSTM: 4·(u·(f+u)+u)) and names weights in Keras order', () => {
    for (const [kind, useBias] of [
      ['SimpleRNN', true],
      ['LSTM', true],
      ['LSTM', false],
    ] as const) {
      const layer = makeLayer(kind, { units: U, use_bias: useBias }, [null, T, F]);
      const tfLayer =
        kind === 'LSTM' ? tf.layers.lstm({ units: U, useBias }) : tf.layers.simpleRNN({ units: U, useBias });
      tfLayer.apply(tf.zeros([1, T, F]));
      expect(layer.countParams([null, T, F])).toBe(tfLayer.countParams());
      expect(layer.weights.reduce((s, w) => s + w.size, 0)).toBe(tfLayer.countParams());
      expect(layer.weightNames()).toEqual(
        useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'],
      );
    }
    expect(makeLayer('LSTM', { units: 16 }, [null, 30, 3]).countParams([null, 30, 3])).toBe(4 * (16 * (3 + 16) + 16));
  });
});

describe('SimpleRNN and LSTM configs', () => {
  const build = (cls: typeof LSTM | typeof SimpleRNN, config: Record<string, unknown>): Layer =>
    new cls(new ConfigReader(config, '/c'), 'l');

  it('writes every Keras default explicitly and round-trips', () => {
    const lstm = build(LSTM, { units: 4 });
    expect(lstm.getConfig()).toEqual({
      name: 'l',
      trainable: true,
      dtype: 'float32',
      units: 4,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      unit_forget_bias: true,
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      implementation: 2,
      return_sequences: false,
      return_state: false,
      go_backwards: false,
      stateful: false,
      unroll: false,
    });
    const rnn = build(SimpleRNN, { units: 4 }).getConfig();
    expect(rnn).toMatchObject({
      activation: 'tanh',
      recurrent_initializer: { class_name: 'Orthogonal' },
      return_sequences: false,
    });
    expect(rnn).not.toHaveProperty('recurrent_activation');
    const custom = {
      units: 3,
      activation: 'relu',
      recurrent_activation: 'tanh',
      use_bias: false,
      unit_forget_bias: false,
      return_sequences: true,
      go_backwards: true,
      unroll: true,
      kernel_regularizer: 'l2',
      recurrent_initializer: 'glorot_normal',
    };
    for (const [cls, config] of [
      [LSTM, custom],
      [SimpleRNN, { units: 2, activation: null, bias_regularizer: { class_name: 'L1', config: { l1: 0.1 } } }],
    ] as const) {
      const first = build(cls, config).getConfig();
      expect(build(cls, structuredClone(first)).getConfig()).toEqual(first);
    }
    expect(build(SimpleRNN, { units: 2, activation: null }).getConfig().activation).toBe('linear');
  });

  it('accepts the options that change nothing numerically: unroll, implementation, zero dropout, TF.js nulls', () => {
    const layer = build(LSTM, {
      units: 2,
      unroll: true,
      implementation: 1,
      dropout: 0,
      recurrent_dropout: 0,
      unit_forget_bias: null,
      time_major: false,
      use_cudnn: 'auto',
    });
    expect(layer.getConfig()).toMatchObject({ unroll: true, unit_forget_bias: true });
  });

  it.each([
    [
      'return_state',
      { return_state: true },
      /return_state=true is not supported \(LSTM\): layers here have a single output/,
    ],
    ['stateful', { stateful: true }, /stateful=true is not supported/],
    ['dropout', { dropout: 0.2 }, /dropout > 0 is not supported yet/],
    ['recurrent_dropout', { recurrent_dropout: 0.1 }, /recurrent_dropout > 0 is not supported yet/],
    ['time_major', { time_major: true }, /time_major=true is not supported/],
    [
      'kernel_constraint',
      { kernel_constraint: { class_name: 'MaxNorm', config: {} } },
      /kernel_constraint is not supported yet/,
    ],
    [
      'recurrent_constraint',
      { recurrent_constraint: { class_name: 'NonNeg', config: {} } },
      /recurrent_constraint is not supported yet/,
    ],
    ['activity_regularizer', { activity_regularizer: 'l2' }, /activity_regularizer is not supported yet/],
    ['implementation', { implementation: 3 }, /implementation must be 1 or 2/],
    ['units', { units: 0 }, /units is out of range/],
    ['go_backwards', { go_backwards: 'yes' }, /go_backwards must be a boolean/],
    ['activation', { activation: 'swishy' }, /unknown activation "swishy"/],
  ])('rejects %s with an NnError at its path', (key, extra, message) => {
    try {
      build(LSTM, { units: 2, ...extra });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NnError);
      const err = e as NnError;
      expect(err.message).toMatch(message);
      expect(err.details.path).toBe(`/c/${key}`);
      expect(err.code).toBe(key.endsWith('activation') ? 'SPEC_UNKNOWN_ACTIVATION' : 'SPEC_INVALID_LAYER_CONFIG');
    }
    expect(() => build(SimpleRNN, { units: 2, return_state: true })).toThrow(/\(SimpleRNN\)/);
  });

  it('shape errors name the expected input', () => {
    const layer = build(LSTM, { units: 2, return_sequences: true });
    expect(layer.computeOutputShape([null, 7, 3])).toEqual([null, 7, 2]);
    expect(build(SimpleRNN, { units: 2 }).computeOutputShape([null, 7, 3])).toEqual([null, 2]);
    for (const bad of [
      [null, 3],
      [null, null, 3],
      [null, 4, null],
      [null, 2, 3, 4],
    ]) {
      try {
        layer.computeOutputShape(bad);
        expect.unreachable();
      } catch (e) {
        expect((e as NnError).code).toBe('SPEC_SHAPE_MISMATCH');
        expect((e as Error).message).toMatch(
          /^LSTM expects input of rank 3, \[batch, timesteps, features\], with known timesteps ≥ 1 and features, got input shape \[/,
        );
      }
    }
    expect(() => layer.countParams([null, 5])).toThrow(/rank 3/);
  });

  it('initialises like Keras: forget-gate bias ones (unit_forget_bias), orthogonal recurrent kernel, glorot kernel', () => {
    const layer = makeLayer('LSTM', { units: 8 }, [null, 5, 3]);
    const [kernel, recurrent, bias] = layer.weights;
    expect(Array.from(bias.data)).toEqual([...Array(8).fill(0), ...Array(8).fill(1), ...Array(16).fill(0)]);
    // Orthogonal [8, 32]: rows are orthonormal.
    const r = recurrent.data;
    for (let a = 0; a < 8; a++) {
      for (let b = 0; b < 8; b++) {
        let dot = 0;
        for (let k = 0; k < 32; k++) dot += r[a * 32 + k] * r[b * 32 + k];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 4);
      }
    }
    const limit = Math.sqrt(6 / (3 + 32));
    expect(Math.max(...Array.from(kernel.data, Math.abs))).toBeLessThanOrEqual(limit);
    const plain = makeLayer('LSTM', { units: 2, unit_forget_bias: false, bias_initializer: 'ones' }, [null, 5, 3]);
    expect(Array.from(plain.weights[2].data)).toEqual(Array(8).fill(1));
  });

  it('adds kernel, recurrent and bias penalties like Dense', () => {
    const layer = makeLayer(
      'SimpleRNN',
      {
        units: 3,
        kernel_regularizer: { class_name: 'L2', config: { l2: 0.1 } },
        recurrent_regularizer: 'l1',
        bias_initializer: 'ones',
        bias_regularizer: { class_name: 'L1L2', config: { l1: 0.5, l2: 0 } },
      },
      [null, 4, 2],
    );
    expect(isRegularized(layer)).toBe(true);
    const [k, rk] = layer.weights;
    const expected =
      0.1 * k.data.reduce((s, v) => s + v * v, 0) + 0.01 * rk.data.reduce((s, v) => s + Math.abs(v), 0) + 0.5 * 3;
    expect((layer as SimpleRNN).regularizationLoss()!.item()).toBeCloseTo(expected, 5);
    expect(makeLayer('LSTM', { units: 3 }, [null, 4, 2]) as LSTM).toSatisfy(
      (l: LSTM) => l.regularizationLoss() === null,
    );
  });
});
