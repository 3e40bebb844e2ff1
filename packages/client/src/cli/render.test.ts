import { describe, expect, it } from 'vitest';
import { EpochProgress, bar, logsText, metricsTable, num, table, type Out } from './render.js';

function fakeOut(isTTY: boolean): Out & { text: string } {
  const out = { text: '', isTTY, columns: 120, write: (t: string) => void (out.text += t) };
  return out;
}

describe('CLI rendering', () => {
  it('formats numbers and logs Keras-style, loss first and val_* after', () => {
    expect([num(0.412345), num(3), num(1234.56), num(0.00001234), num(undefined)]).toEqual([
      '0.4123',
      '3',
      '1234.6',
      '1.234e-5',
      '-',
    ]);
    expect(logsText({ val_loss: 0.5, accuracy: 0.9, loss: 0.3, val_accuracy: 0.8, test_accuracy: 0.7 })).toBe(
      'loss 0.3000  accuracy 0.9000  val_loss 0.5000  val_accuracy 0.8000  test_accuracy 0.7000',
    );
    expect([bar(0, 10, 10), bar(5, 10, 10), bar(10, 10, 10)]).toEqual(['[          ]', '[====>     ]', '[==========]']);
  });

  it('on a terminal redraws one line per batch and ends each epoch with a whole line', () => {
    const out = fakeOut(true);
    const p = new EpochProgress(out, 2);
    p.batch({ epoch: 1, batch: 5, batches: 10, logs: { loss: 0.5 } });
    p.epoch({ epoch: 1, epochs: 2, logs: { loss: 0.4, accuracy: 0.8 }, seconds: 1.25, samples_per_second: 800 });
    p.line('status: done');
    expect(out.text).toBe(
      '\r\x1b[2KEpoch 1/2  [===========>            ] 5/10  loss 0.5000' +
        '\r\x1b[2KEpoch 1/2  [========================]  1.3s  loss 0.4000  accuracy 0.8000  800 samples/s\n' +
        'status: done\n',
    );
  });

  it('into a pipe writes epoch lines only, no control characters', () => {
    const out = fakeOut(false);
    const p = new EpochProgress(out);
    p.batch({ epoch: 1, batch: 5, batches: 10, logs: { loss: 0.5 } });
    p.epoch({ epoch: 1, epochs: 3, logs: { loss: 0.4 }, seconds: 75 });
    expect(out.text).toBe('Epoch 1/3  1m15s  loss 0.4000\n');
  });

  it('draws tables with padded columns', () => {
    expect(
      table(
        ['ID', 'STATUS'],
        [
          ['job_a', 'running'],
          ['job_bbbbbb', 'ok'],
        ],
      ),
    ).toBe('ID          STATUS\n----------  -------\njob_a       running\njob_bbbbbb  ok\n');
    expect(metricsTable({ accuracy: 0.9, loss: 0.1 })).toBe(
      'metric    value\n--------  ------\nloss      0.1000\naccuracy  0.9000\n',
    );
  });
});
