import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { redactUrl } from '@trainyard/contracts';
import { ApiError } from './errors.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Let loopback and private addresses through (tests, trusted networks). */
  allowPrivate: boolean;
}

// Addresses a server-side fetch must not reach unless configured to: loopback, private, link-local
// (cloud metadata at 169.254.169.254), carrier-grade NAT, unspecified, multicast and reserved.
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** True for an address the server should not fetch from by default. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function refused(raw: string, address: string): ApiError {
  const url = redactUrl(raw);
  return new ApiError(
    'DATASET_URL_REFUSED',
    `${url} resolves to ${address}, a loopback or private address; the server does not fetch from those`,
    { url, address },
  );
}

/**
 * A DNS lookup that refuses private addresses at connect time, so a name cannot pass a check
 * and then resolve elsewhere (DNS rebinding).
 */
function guardedLookup(url: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      if (bad || addresses.length === 0)
        return callback(refused(url, bad?.address ?? 'nothing') as unknown as NodeJS.ErrnoException, '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Downloads a dataset file: http(s) only, at most 3 redirects, a byte cap and an overall timeout. */
export async function fetchDataset(
  url: string,
  limits: FetchLimits,
): Promise<{ bytes: Buffer; contentType: string; url: string }> {
  const deadline = Date.now() + limits.timeoutMs;
  let current = url;
  for (let hop = 0; hop <= 3; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      throw new ApiError('VALIDATION_FAILED', `${redactUrl(current)} is not a valid URL`, { path: '/url' });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new ApiError('DATASET_URL_REFUSED', `Only http and https URLs are fetched, not ${parsed.protocol}`, {
        url: redactUrl(current),
      });
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (
      !limits.allowPrivate &&
      (isIP(host) ? isPrivateAddress(host) : host === 'localhost' || host.endsWith('.localhost'))
    )
      throw refused(current, host);
    const state = { timedOut: false };
    const res = await get(parsed, current, deadline, limits, state);
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, parsed).toString();
      continue;
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new ApiError('DATASET_FETCH_FAILED', `GET ${redactUrl(current)} answered ${res.statusCode}`, {
        url: redactUrl(current),
        status: res.statusCode,
      });
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      res.destroy();
      throw tooLarge(current, limits.maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limits.maxBytes) {
          res.destroy();
          throw tooLarge(current, limits.maxBytes);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw fetchError(
        state.timedOut ? Object.assign(new Error('timeout'), { code: 'DATASET_FETCH_TIMEOUT' }) : err,
        current,
        limits,
      );
    }
    return {
      bytes: Buffer.concat(chunks, total),
      contentType: String(res.headers['content-type'] ?? ''),
      url: current,
    };
  }
  throw new ApiError('DATASET_FETCH_FAILED', `${redactUrl(url)} redirected more than 3 times`, { url: redactUrl(url) });
}

function tooLarge(raw: string, limit: number): ApiError {
  const url = redactUrl(raw);
  return new ApiError('DATASET_TOO_LARGE', `${url} is larger than the ${limit}-byte dataset limit`, { url, limit });
}

function fetchError(err: unknown, raw: string, limits: FetchLimits): ApiError {
  const url = redactUrl(raw);
  if (err instanceof ApiError) return err;
  if ((err as Error).name === 'TimeoutError' || (err as { code?: string }).code === 'DATASET_FETCH_TIMEOUT') {
    return new ApiError('DATASET_FETCH_TIMEOUT', `${url} did not download within ${limits.timeoutMs} ms`, {
      url,
      timeout_ms: limits.timeoutMs,
    });
  }
  return new ApiError('DATASET_FETCH_FAILED', `Could not fetch ${url}: ${(err as Error).message}`, { url });
}

function get(
  parsed: URL,
  url: string,
  deadline: number,
  limits: FetchLimits,
  state: { timedOut: boolean },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(parsed, {
      method: 'GET',
      headers: { accept: '*/*', 'user-agent': 'trainyard' },
      ...(!limits.allowPrivate && { lookup: guardedLookup(url) }),
    });
    const timer = setTimeout(
      () => {
        state.timedOut = true;
        req.destroy(Object.assign(new Error('timeout'), { code: 'DATASET_FETCH_TIMEOUT' }));
      },
      Math.max(0, deadline - Date.now()),
    );
    req.on('response', (res) => {
      res.on('close', () => clearTimeout(timer));
      resolve(res);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(fetchError(err, url, limits));
    });
    req.end();
  });
}
