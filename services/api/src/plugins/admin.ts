import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { SWEEP_QUEUE } from '@trainyard/contracts';
import { hashApiKey, type ApiConfig } from '../config.js';

export const ADMIN_PATH = '/admin/queues';
const COOKIE = 'trainyard_admin';
const SESSION_SECONDS = 12 * 3600;

/**
 * The tenants whose keys open the board: TRAINYARD_ADMIN_TENANTS, else the only tenant when the
 * keys name one. With several tenants and no list, nobody: the board shows every tenant's jobs.
 */
export function adminTenants(config: Pick<ApiConfig, 'apiKeys' | 'adminTenants'>): Set<string> {
  if (config.adminTenants.length > 0) return new Set(config.adminTenants);
  const tenants = new Set(config.apiKeys?.values() ?? []);
  return tenants.size === 1 ? tenants : new Set();
}

// A session cookie is `<expiry>.<HMAC(sha256(key), expiry)>`: stateless, so any api instance
// checks it, it dies with its expiry or when the key leaves TRAINYARD_API_KEYS, and it is not the key.
const sign = (keyHash: string, expiry: number) =>
  createHmac('sha256', keyHash).update(`trainyard-admin:${expiry}`).digest('base64url');

function sessionTenant(cookieHeader: string | undefined, keys: Map<string, string>, now: number): string | undefined {
  const raw = cookieHeader
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  const m = raw ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(raw) : null;
  if (!m || Number(m[1]) * 1000 < now) return undefined;
  const given = Buffer.from(m[2]);
  for (const [hash, tenant] of keys) {
    if (timingSafeEqual(Buffer.from(sign(hash, Number(m[1]))), given)) return tenant;
  }
  return undefined;
}

/** The key a request presents: `Authorization: Bearer <key>`, or Basic with the key as password (any user name). */
function headerKey(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(colon + 1) || decoded.slice(0, colon);
}

function refuse(reply: FastifyReply, status: 401 | 403, code: string, message: string): FastifyReply {
  // Basic first: a browser shows its sign-in prompt for it (user name: anything, password: the key).
  if (status === 401) reply.header('www-authenticate', 'Basic realm="Trainyard operators", charset="UTF-8", Bearer');
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, details: {} } });
}

/**
 * Bull Board at /admin/queues: the `train` and `sweeps` queues as BullMQ holds them, for operators.
 * Read-only: removing or retrying a BullMQ job behind Trainyard's back would leave its job record
 * stale, so cancel and delete go through /v1 as always. With API keys configured, it takes an
 * admin tenant's key as Bearer, as Basic password (the browser prompts), or once as
 * `?access_token=`, which sets an HttpOnly session cookie and redirects to the same page without it.
 */
export const adminBoard: FastifyPluginAsync = async (app) => {
  const sweeps = new Queue(SWEEP_QUEUE, { connection: app.redis, prefix: app.config.prefix });
  sweeps.on('error', (err: Error) => app.log.warn({ err: err.message }, 'sweep queue error'));
  app.addHook('onClose', async () => {
    await sweeps.close();
  });

  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(ADMIN_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(app.queue, { readOnlyMode: true }), new BullMQAdapter(sweeps, { readOnlyMode: true })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Trainyard queues' } },
  });

  await app.register(
    async (scope) => {
      const keys = app.config.apiKeys;
      const admins = adminTenants(app.config);
      if (keys)
        scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) =>
          guard(request, reply, keys, admins),
        );
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: ADMIN_PATH },
  );
};

async function guard(
  request: FastifyRequest,
  reply: FastifyReply,
  keys: Map<string, string>,
  admins: Set<string>,
): Promise<FastifyReply | undefined> {
  const url = new URL(request.url, 'http://local');
  const queryKey = url.searchParams.get('access_token') ?? undefined;
  const key = headerKey(request.headers.authorization) ?? queryKey;
  let tenant: string | undefined;
  if (key !== undefined) {
    tenant = keys.get(hashApiKey(key));
    if (!tenant) return refuse(reply, 401, 'INVALID_API_KEY', 'The API key is not valid');
  } else {
    tenant = sessionTenant(request.headers.cookie, keys, Date.now());
    if (!tenant)
      return refuse(
        reply,
        401,
        'UNAUTHENTICATED',
        'An admin API key is required: Authorization: Bearer <key>, Basic auth with the key as password, or ?access_token=<key> once',
      );
  }
  if (!admins.has(tenant)) {
    const how =
      admins.size === 0
        ? 'no tenant is an operator until TRAINYARD_ADMIN_TENANTS names one'
        : 'TRAINYARD_ADMIN_TENANTS does not list it';
    return refuse(reply, 403, 'FORBIDDEN', `Tenant ${tenant} may not see the queue board: ${how}`);
  }
  if (queryKey !== undefined && request.method === 'GET') {
    // Trade the key in the address (history, logs, Referer) for a cookie scoped to the board.
    const expiry = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
    const secure = request.protocol === 'https' ? '; Secure' : '';
    url.searchParams.delete('access_token');
    reply.header(
      'set-cookie',
      `${COOKIE}=${expiry}.${sign(hashApiKey(queryKey), expiry)}; Path=${ADMIN_PATH}; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
    );
    return reply.redirect(`${url.pathname}${url.search}`, 303);
  }
  return undefined;
}
