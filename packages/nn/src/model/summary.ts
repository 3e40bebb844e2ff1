import { formatShape } from '@trainyard/tensor';
import type { AnalysedLayer } from './spec.js';

const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length));

/** Keras-2-style text table of layers, output shapes and parameter counts. */
export function renderSummary(name: string, layers: readonly AnalysedLayer[], total: number, trainable: number): string {
  const rule = (c: string): string => c.repeat(65);
  const lines = [`Model: "${name}"`, rule('_'), pad('Layer (type)', 29) + pad('Output Shape', 26) + 'Param #', rule('=')];
  layers.forEach((l, i) => {
    const shape = formatShape(l.outputShape).replace(/null/g, 'None').replace(/^\[(.*)\]$/, '($1)');
    lines.push(pad(`${l.layer.name} (${l.layer.className})`, 29) + pad(shape, 26) + l.params.toLocaleString('en-US'));
    lines.push(i === layers.length - 1 ? rule('=') : rule('_'));
  });
  lines.push(`Total params: ${total.toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  lines.push(rule('_'));
  return lines.join('\n');
}
