import { describe, expect, it } from 'vitest';
import { REDACTED, redactUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    [
      'our SSE token',
      '/v1/jobs/j/events?access_token=k3y&after=3',
      '/v1/jobs/j/events?access_token=[REDACTED]&after=3',
    ],
    ['a path without a query', '/v1/jobs/j', '/v1/jobs/j'],
    ['harmless parameters', '/v1/jobs?limit=5&cursor=abc', '/v1/jobs?limit=5&cursor=abc'],
    ['userinfo with a password', 'https://me:hunter2@example.com/d.csv', `https://me:${REDACTED}@example.com/d.csv`],
    ['userinfo that is a token', 'https://ghp_abc@example.com/d.csv', `https://${REDACTED}@example.com/d.csv`],
    [
      'an S3 presigned URL',
      'https://b.s3.amazonaws.com/d.csv?X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&X-Amz-Date=1',
      'https://b.s3.amazonaws.com/d.csv?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Date=1',
    ],
    [
      'key-like names, encoded or not, and a fragment',
      'https://e.com/?api%5Fkey=s&sig=t&x=1#frag',
      'https://e.com/?api%5Fkey=[REDACTED]&sig=[REDACTED]&x=1#frag',
    ],
    ['a parameter without a value', '/v1/x?access_token', '/v1/x?access_token'],
  ])('%s', (_name, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
