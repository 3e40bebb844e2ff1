import { formatShape } from '@trainyard/tensor';
import type { AnalysedLayer, Analysis } from './spec.js';

// Column ends of tf.keras 2.x `summary()`: Sequential line_length 65 × [.45, .85, 1]; functional
// models add "Connected to": line_length 98 × [.33, .55, .67, 1].
const SEQUENTIAL = { line: 65, positions: [29, 55, 65] };
const FUNCTIONAL = { line: 98, positions: [32, 53, 65, 98] };

/** One table row the way tf.keras's print_row builds it: each cell cut or padded to its column end. */
function row(fields: string[], positions: readonly number[]): string {
  let line = '';
  fields.forEach((field, i) => {
    // Keras overwrites the previous cell's last character so that cut cells stay apart.
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + field).slice(0, positions[i]);
    line = line.padEnd(positions[i]);
  });
  return line;
}

// Python's tuple repr: (None, 8).
const pyShape = (shape: readonly (number | null)[]): string =>
  formatShape(shape)
    .replace(/null/g, 'None')
    .replace(/^\[(.*)\]$/, '($1)');

/**
 * tf.keras 2.x style text table of layers, output shapes and parameter counts (trailing spaces
 * included, as Keras prints). With `sources` (functional models) the InputLayers get rows too and
 * a fourth column lists each layer's inputs, one per line, as tf.keras 2.x does.
 */
export function renderSummary(
  name: string,
  a: Analysis,
  total: number,
  trainable: number,
  sources?: (l: AnalysedLayer) => string[],
): string {
  const { line, positions } = sources ? FUNCTIONAL : SEQUENTIAL;
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(sources ? ['Connected to'] : [])];
  const lines = [`Model: "${name}"`, '_'.repeat(line), row(header, positions), '='.repeat(line)];
  const rows: string[][][] = [];
  if (sources)
    for (const input of a.inputs)
      rows.push([[`${input.name} (InputLayer)`, `[${pyShape([null, ...input.shape])}]`, '0', '']]);
  for (const l of a.layers) {
    // Rows print the bare count; the totals use thousands separators.
    const cells = [`${l.layer.name} (${l.layer.className})`, pyShape(l.outputShape), String(l.params)];
    if (!sources) rows.push([cells]);
    else {
      const [first, ...rest] = sources(l);
      rows.push([[...cells, first], ...rest.map((s) => ['', '', '', s])]);
    }
  }
  rows.forEach((r, i) => {
    for (const cells of r) lines.push(row(cells, positions));
    lines.push((i === rows.length - 1 ? '=' : '_').repeat(line));
  });
  lines.push(`Total params: ${total.toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  lines.push('_'.repeat(line));
  return lines.join('\n');
}
