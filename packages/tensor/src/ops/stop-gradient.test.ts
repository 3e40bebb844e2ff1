import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { mul } from './mul.js';
import { stopGradient } from './stop-gradient.js';

it('stopGradient keeps values and blocks the gradient', () => {
  const x = tensor([2, 3], undefined, true);
  const y = mul(x, stopGradient(x));
  expect(y.toArray()).toEqual([4, 9]);
  y.backward(tensor([1, 1]));
  expect(x.grad?.toArray()).toEqual([2, 3]); // d(x·c)/dx = c, not 2x
});
