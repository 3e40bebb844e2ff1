import { describe, expect, it } from 'vitest';
import { thrown } from '../test-utils/fixtures.js';
import { TWO_HEADS, twoHeadData } from '../test-utils/functional.js';
import { inspectModel } from './inspect.js';
import { modelFromJson } from './model.js';

describe('functional Model', () => {
  describe('rejects bad graphs and bad compile arguments with coded errors and paths', () => {
    const variant = (edit: (layers: Record<string, unknown>[], config: Record<string, unknown>) => void): unknown => {
      const spec = structuredClone(TWO_HEADS) as {
        config: { layers: Record<string, unknown>[] } & Record<string, unknown>;
      };
      edit(spec.config.layers, spec.config);
      return spec;
    };

    it.each([
      [
        'an unknown input name',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['nope', 0, 0, {}]]]),
        /"nope"/,
        '/config/layers/3/inbound_nodes/0',
      ],
      [
        'a cycle',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['out_reg', 0, 0, {}]]]),
        /cycle/,
        '/config/layers/3/inbound_nodes/0',
      ],
      [
        'a shared layer',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['concat', 0, 0, {}]], [['concat', 0, 0, {}]]]),
        /shared layers/,
        '/config/layers/3/inbound_nodes',
      ],
      [
        'a layer with two inputs',
        (l: Record<string, unknown>[]) =>
          (l[3].inbound_nodes = [
            [
              ['in_a', 0, 0, {}],
              ['in_b', 0, 0, {}],
            ],
          ]),
        /takes one input/,
        '/config/layers/3/inbound_nodes',
      ],
      [
        'a merge of mismatched shapes',
        (l: Record<string, unknown>[]) => ((l[2].class_name = 'Add'), (l[2].config = { name: 'concat' })),
        /one shape/,
        '/config/layers/2',
      ],
      [
        'a node index ≠ 0',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['concat', 1, 0, {}]]]),
        /node and tensor index/,
        '/config/layers/3/inbound_nodes/0/0',
      ],
      [
        'call kwargs',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['concat', 0, 0, { scale: 2 }]]]),
        /not supported/,
        '/config/layers/3/inbound_nodes/0/0/3',
      ],
      [
        'an output that is an input',
        (_: unknown, c: Record<string, unknown>) => (c.output_layers = [['in_a', 0, 0]]),
        /not an InputLayer/,
        '/config/output_layers',
      ],
      [
        'the same output twice',
        (_: unknown, c: Record<string, unknown>) =>
          (c.output_layers = [
            ['out_cls', 0, 0],
            ['out_cls', 0, 0],
          ]),
        /listed twice/,
        '/config/output_layers/1',
      ],
      [
        'an input that is not an InputLayer',
        (_: unknown, c: Record<string, unknown>) => (c.input_layers = [['trunk', 0, 0]]),
        /must name an InputLayer/,
        '/config/input_layers/0',
      ],
      [
        'a Lambda layer',
        (l: Record<string, unknown>[]) => (l[3].class_name = 'Lambda'),
        /unknown layer class "Lambda"/,
        '/config/layers/3/class_name',
      ],
    ])('%s', (_, edit, message, path) => {
      const e = thrown(() => inspectModel(variant(edit as never)));
      expect(e.code).toMatch(/^SPEC_/);
      expect(e.message).toMatch(message);
      expect(e.details.path).toBe(path);
    });

    it('compile arguments per output', () => {
      const model = modelFromJson(TWO_HEADS, { seed: 1 });
      expect(thrown(() => model.compile({ optimizer: 'sgd', loss: ['mse'] })).details.path).toBe('/loss');
      expect(thrown(() => model.compile({ optimizer: 'sgd', loss: { out_reg: 'mse' } })).message).toMatch(
        /no entry for output "out_cls"/,
      );
      expect(
        thrown(() => model.compile({ optimizer: 'sgd', loss: { out_reg: 'mse', out_cls: 'mse', other: 'mse' } }))
          .details.path,
      ).toBe('/loss/other');
      expect(thrown(() => model.compile({ optimizer: 'sgd', loss: 'mse', loss_weights: [1, -1] })).details.path).toBe(
        '/loss_weights/1',
      );
      expect(
        thrown(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], ['bogus']] })).details.path,
      ).toBe('/metrics/1/0');
    });

    it('data that does not match the inputs and outputs', async () => {
      const model = modelFromJson(TWO_HEADS, { seed: 1 });
      model.compile({ optimizer: 'sgd', loss: ['mse', 'sparse_categorical_crossentropy'] });
      const d = twoHeadData(8, 1);
      expect(thrown(() => model.predictOutputs(d.a)).message).toMatch(/2 inputs \(in_a, in_b\)/);
      expect(thrown(() => model.predictOutputs({ in_a: d.a })).message).toMatch(/no data for input "in_b"/);
      expect(thrown(() => model.predictOutputs([d.b, d.a])).message).toMatch(/expects input "in_a" of shape/);
      expect(thrown(() => model.predict([d.a, d.b])).message).toMatch(/predictOutputs/);
      await expect(model.fit([d.a, d.b], [d.reg, d.cls], { epochs: 1, classWeight: { 0: 2 } })).rejects.toMatchObject({
        code: 'SPEC_INVALID_FIT_CONFIG',
      });
      await expect(model.fit([d.a, d.b], { out_reg: d.reg, oops: d.cls }, { epochs: 1 })).rejects.toMatchObject({
        code: 'SPEC_INCOMPATIBLE_TARGETS',
      });
    });
  });
});
