import { ApiError } from './errors.js';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const OPEN_OBJECT = 123;
const CLOSE_ARRAY = 93;
const CLOSE_OBJECT = 125;

/**
 * True when JSON text nests arrays and objects deeper than `max`. One pass over the text with a
 * counter, no recursion and no parse, so it runs before JSON.parse and before anything that walks
 * the result (JSON.stringify, structuredClone, validators) could overflow the stack. Brackets
 * inside strings are skipped; malformed text is left for JSON.parse to refuse.
 *
 * @example jsonTooDeep('[[[1]]]', 2) // true
 */
export function jsonTooDeep(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: the next one not escaped by an odd run of backslashes.
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return false;
        let b = q - 1;
        while (b >= from && text.charCodeAt(b) === BACKSLASH) b--;
        if ((q - 1 - b) % 2 === 0) {
          i = q;
          break;
        }
        from = q + 1;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The refusal of JSON nested deeper than the limit; `what` names it ("The request body", "x.json"). */
export function tooDeep(what: string, max: number): ApiError {
  return new ApiError(
    'BODY_TOO_DEEP',
    `${what} nests arrays and objects more than ${max} levels deep; the limit is ${max}`,
    { limit: max },
  );
}
