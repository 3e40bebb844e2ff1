/** What a secret is replaced with in logs (and in URLs echoed back in messages). */
export const REDACTED = '[REDACTED]';

/**
 * Log fields that hold secrets, for pino's `redact` in every service: request headers that carry
 * keys or cookies, and key-like fields at the top level or one level down.
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['authorization', 'cookie', 'apiKey', 'api_key', 'access_token', 'token', 'password', 'secret'].flatMap((k) => [
    k,
    `*.${k}`,
  ]),
];

// Query parameter names whose values are credentials: ours (access_token) and the usual ones of
// signed or keyed download URLs (S3's X-Amz-Signature, ?key=, ?sig=, ?token=…).
const SECRET_PARAM = /token|key|secret|passw|pwd|sig|credential|auth|session/i;

function decoded(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * A URL (absolute, or a request's path and query) with its credentials replaced by [REDACTED]:
 * the password (or lone user) of its userinfo and the values of key-like query parameters.
 *
 * @example redactUrl('/v1/jobs/j/events?access_token=k&after=3') // '/v1/jobs/j/events?access_token=[REDACTED]&after=3'
 */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:${REDACTED}` : REDACTED}@`;
  });
  const q = out.indexOf('?');
  if (q < 0) return out;
  const hash = out.indexOf('#', q);
  const end = hash < 0 ? out.length : hash;
  const query = out
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SECRET_PARAM.test(decoded(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  out = `${out.slice(0, q + 1)}${query}${out.slice(end)}`;
  return out;
}
