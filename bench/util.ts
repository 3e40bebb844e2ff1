/** Rounds to `d` decimals for the benches' JSON lines. */
export function round(v: number, d: number): number {
  return Math.round(v * 10 ** d) / 10 ** d;
}
