import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parseApiKeys } from '../services/api/src/config.js';
import { adminTenants } from '../services/api/src/plugins/admin.js';
import { testApp, validJob } from '../services/api/src/test-utils/app.js';
import { TEST_KEYS } from '../services/api/src/test-utils/keys.js';

const { ops: OPS_KEY, user: USER_KEY } = TEST_KEYS;
const apiKeys = parseApiKeys(`ops:${OPS_KEY},alice:${USER_KEY}`);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('Bull Board at /admin/queues with API keys configured', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, close } = await testApp({ apiKeys, adminTenants: ['ops'] }));
  });
  afterAll(async () => close());

  it('is a 401 without a key, with a Basic challenge a browser answers with its sign-in prompt', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate'], url).toMatch(/^Basic realm="Trainyard operators"/);
      expect(res.json().error.code, url).toBe('UNAUTHENTICATED');
    }
  });

  it('is a 401 with a wrong key and a 403 for a tenant that is not an operator', async () => {
    const wrong = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: bearer('not-a-key-0123456789abcdef'),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_API_KEY');
    const user = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer(USER_KEY) });
    expect(user.statusCode).toBe(403);
    expect(user.json().error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('alice') });
  });

  it('answers the board HTML to an operator key (Bearer or Basic password)', async () => {
    for (const headers of [
      bearer(OPS_KEY),
      { authorization: `Basic ${Buffer.from(`anyone:${OPS_KEY}`).toString('base64')}` },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/admin/queues', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<base href="/admin/queues/" />');
      expect(res.body).toContain('<title>Trainyard queues</title>');
    }
    const asset = await app.inject({
      method: 'GET',
      url: '/admin/queues/static/favicon-32x32.png',
      headers: bearer(OPS_KEY),
    });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('image/png');
  });

  it('lists the train and sweeps queues, read-only, with a queued job in train', async () => {
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: bearer(USER_KEY),
      payload: validJob(),
    });
    expect(submitted.statusCode).toBe(201);
    const res = await app.inject({
      method: 'GET',
      url: '/admin/queues/api/queues?activeQueue=train&status=waiting&page=1',
      headers: bearer(OPS_KEY),
    });
    expect(res.statusCode).toBe(200);
    const queues = res.json().queues as {
      name: string;
      readOnlyMode: boolean;
      counts: Record<string, number>;
      jobs: { id: string }[];
    }[];
    expect(queues.map((q) => q.name).sort()).toEqual(['sweeps', 'train']);
    const train = queues.find((q) => q.name === 'train')!;
    expect(train.readOnlyMode).toBe(true);
    expect(train.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(train.jobs.map((j) => j.id)).toContain(submitted.json().id);
  });

  it('trades ?access_token= for an HttpOnly cookie scoped to the board, and the cookie opens it', async () => {
    const res = await app.inject({ method: 'GET', url: `/admin/queues?access_token=${OPS_KEY}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/queues');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(
      /^trainyard_admin=\d+\.[A-Za-z0-9_-]{43}; Path=\/admin\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict/,
    );
    expect(cookie).not.toContain(OPS_KEY);
    const session = cookie.split(';')[0];
    const page = await app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: session } });
    expect(page.statusCode).toBe(200);
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: session } });
    expect(api.statusCode).toBe(200);
    // A forged or altered session is no session.
    const forged = session.replace(/=(\d+)\./, (_, exp: string) => `=${Number(exp) + 1}.`);
    expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: forged } })).statusCode).toBe(
      401,
    );
    // A user's key in the query is refused like in a header, and sets nothing.
    const user = await app.inject({ method: 'GET', url: `/admin/queues?access_token=${USER_KEY}` });
    expect(user.statusCode).toBe(403);
    expect(user.headers['set-cookie']).toBeUndefined();
  });

  it('leaves /v1 and the dashboard as they were', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/jobs', headers: bearer(OPS_KEY) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
  });
});

describe('Bull Board in open mode', () => {
  it('is open, like /v1, when no API keys are configured', async () => {
    const { app, close } = await testApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/admin/queues/api/queues' });
      expect(res.statusCode).toBe(200);
      expect(
        res
          .json()
          .queues.map((q: { name: string }) => q.name)
          .sort(),
      ).toEqual(['sweeps', 'train']);
    } finally {
      await close();
    }
  });
});

describe('adminTenants', () => {
  it('takes TRAINYARD_ADMIN_TENANTS, else the only tenant, else nobody', () => {
    expect([...adminTenants({ apiKeys, adminTenants: ['ops'] })]).toEqual(['ops']);
    expect([...adminTenants({ apiKeys: parseApiKeys(`solo:${OPS_KEY},solo:${USER_KEY}`), adminTenants: [] })]).toEqual([
      'solo',
    ]);
    expect([...adminTenants({ apiKeys, adminTenants: [] })]).toEqual([]);
  });
});
