import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

// The files sit in services/api/dashboard/, beside src/ and dist/ rather than inside either, so
// this one relative path serves them under tsx (src/routes) and from the build (dist/routes),
// with no copy step; the image keeps the folder (it deletes only src/).
const DIR = new URL('../../dashboard/', import.meta.url);

const ASSETS = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

// Everything the page loads comes from this origin; nothing inline, so scripts cannot be injected.
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The dashboard: one HTML page, one ES module and one stylesheet, read once at startup. Open
 * without a key (they hold no tenant data); the page sends the key, when one is set, on its own
 * data calls.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  for (const [url, { file, type }] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(file, DIR));
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .send(body),
    );
  }
};
