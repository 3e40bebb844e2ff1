import { formatShape } from '@trainyard/tensor';
import type { AnalysedLayer } from './spec.js';

// Column ends of tf.keras 2.x `summary()` for Sequential models: line_length 65 × [.45, .85, 1].
const LINE = 65;
const POSITIONS = [29, 55, 65];

/** One table row the way tf.keras's print_row builds it: each cell cut or padded to its column end. */
function row(fields: string[]): string {
  let line = '';
  fields.forEach((field, i) => {
    // Keras overwrites the previous cell's last character so that cut cells stay apart.
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + field).slice(0, POSITIONS[i]);
    line = line.padEnd(POSITIONS[i]);
  });
  return line;
}

/** tf.keras 2.x style text table of layers, output shapes and parameter counts (trailing spaces included, as Keras prints). */
export function renderSummary(name: string, layers: readonly AnalysedLayer[], total: number, trainable: number): string {
  const lines = [`Model: "${name}"`, '_'.repeat(LINE), row(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(LINE)];
  layers.forEach((l, i) => {
    // Python's tuple repr: (None, 8); rows print the bare count, the totals use thousands separators.
    const shape = formatShape(l.outputShape).replace(/null/g, 'None').replace(/^\[(.*)\]$/, '($1)');
    lines.push(row([`${l.layer.name} (${l.layer.className})`, shape, String(l.params)]));
    lines.push((i === layers.length - 1 ? '=' : '_').repeat(LINE));
  });
  lines.push(`Total params: ${total.toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  lines.push('_'.repeat(LINE));
  return lines.join('\n');
}
