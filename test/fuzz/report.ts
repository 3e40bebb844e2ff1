import fc from 'fast-check';

/** A failed property as one paragraph: what broke, the shrunk counterexample, and how to replay it. */
export function report<Ts>(label: string, details: fc.RunDetails<Ts>): string {
  const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return (
    `${label}: ${err.slice(0, 600)}\n` +
    `  counterexample (shrunk ${details.numShrinks}×): ${fc.stringify(details.counterexample).slice(0, 1500)}\n` +
    `  replay: FUZZ_SEED with { seed: ${details.seed}, path: "${details.counterexamplePath}" }`
  );
}
