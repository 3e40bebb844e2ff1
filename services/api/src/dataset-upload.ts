import type { FastifyError, FastifyRequest } from 'fastify';
import type { DatasetUploadQuery } from '@trainyard/contracts';
import { fromArrays, fromJsonData, parseCsv, readArrayFile, type CsvDataset, type Dataset } from '@trainyard/data';
import { ApiError } from './errors.js';
import { fetchDataset } from './fetch-url.js';
import { jsonTooDeep, tooDeep } from './json-depth.js';

/** What a parsed upload needs besides the arrays: its name, format and CSV class names. */
export interface ParsedUpload {
  data: Dataset;
  name: string;
  format: string;
}

/** The limits every way of uploading shares, from the api's config. */
export interface UploadLimits {
  maxBytes: number;
  maxJsonDepth: number;
  fetchTimeoutMs: number;
  allowPrivateUrls: boolean;
}

/** The refusal of a dataset over the byte limit, whichever parser found it. */
export function tooLarge(limit: number): ApiError {
  return new ApiError('DATASET_TOO_LARGE', `The dataset is larger than the ${limit}-byte limit`, { limit });
}

function readOptions(q: DatasetUploadQuery, limits: UploadLimits) {
  return {
    // Float32 storage: four bytes a value, so the byte cap also bounds what a parsed file may hold.
    maxValues: Math.max(1, Math.floor(limits.maxBytes / 4)),
    ...(q.classes !== undefined && { classes: q.classes }),
    ...(q.shape !== undefined && { sampleShape: q.shape.split(',').map(Number) }),
  };
}

/** Reads a CSV or JSON file by its content; CSV needs `?target=`. */
function parseText(
  bytes: Buffer,
  q: DatasetUploadQuery,
  name: string,
  hint: string,
  limits: UploadLimits,
): ParsedUpload {
  const first = bytes.subarray(0, 64).toString('utf8').trimStart()[0];
  if (hint.includes('json') || first === '{') {
    // A file or download skips the body parser's depth cap, so it gets the same check here.
    const text = new TextDecoder('utf-8').decode(bytes);
    if (jsonTooDeep(text, limits.maxJsonDepth)) throw tooDeep(`The JSON dataset ${name}`, limits.maxJsonDepth);
    return { data: fromJsonData(text, { ...readOptions(q, limits), name }), name, format: 'json' };
  }
  if (!q.target)
    throw new ApiError('VALIDATION_FAILED', 'A CSV upload needs ?target=<column> naming its target column', {
      path: 'querystring/target',
    });
  const data: CsvDataset = parseCsv(bytes, {
    ...readOptions(q, limits),
    target: q.target,
    regression: q.regression ?? false,
    name,
  });
  return { data, name, format: 'csv' };
}

type UploadedFile = { bytes: Buffer; filename: string; mimetype: string };

/** The file parts of a multipart body by field name (x, y or file), within the byte limit. */
async function readParts(request: FastifyRequest, maxBytes: number): Promise<Map<string, UploadedFile>> {
  const files = new Map<string, UploadedFile>();
  let total = 0;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (!['x', 'y', 'file'].includes(part.fieldname)) {
        part.file.resume();
        throw new ApiError(
          'VALIDATION_FAILED',
          `Unknown file field "${part.fieldname}": send x and y (NPY or IDX), or one CSV/JSON as file`,
          { path: part.fieldname },
        );
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) throw tooLarge(maxBytes);
        chunks.push(chunk);
      }
      if (part.file.truncated) throw tooLarge(maxBytes);
      files.set(part.fieldname, { bytes: Buffer.concat(chunks), filename: part.filename, mimetype: part.mimetype });
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const code = (err as FastifyError).code;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
      throw new ApiError('VALIDATION_FAILED', 'Too many parts: send x and y, or one file', {});
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PROTO_VIOLATION')
      throw new ApiError('INVALID_BODY', (err as Error).message, {});
    throw new ApiError(
      'DATASET_UPLOAD_TRUNCATED',
      `The multipart upload is incomplete or malformed: ${(err as Error).message}`,
      {},
    );
  }
  return files;
}

async function readMultipart(
  request: FastifyRequest,
  q: DatasetUploadQuery,
  limits: UploadLimits,
): Promise<ParsedUpload> {
  const { maxBytes } = limits;
  const files = await readParts(request, maxBytes);
  const file = files.get('file');
  const name = q.name;
  if (file) {
    if (files.size > 1)
      throw new ApiError('VALIDATION_FAILED', 'Send either one file (CSV or JSON) or the pair x and y, not both', {});
    return parseText(file.bytes, q, name ?? file.filename, `${file.mimetype} ${file.filename}`, limits);
  }
  const x = files.get('x');
  const y = files.get('y');
  if (!x || !y)
    throw new ApiError(
      'VALIDATION_FAILED',
      'A multipart upload needs the file fields x and y (NPY or IDX, .gz accepted), or one CSV/JSON file as file',
      { path: x ? 'y' : 'x' },
    );
  // Gzip inflates off the event loop and stops at the dataset limit, both files together.
  const xa = await readArrayFile(x.bytes, 'x', maxBytes);
  const ya = await readArrayFile(y.bytes, 'y', maxBytes - xa.bytes);
  const options = readOptions(q, limits);
  if (xa.data.length + ya.data.length > options.maxValues) throw tooLarge(maxBytes);
  const data = fromArrays(xa, ya, { ...options, name: name ?? x.filename });
  return {
    data,
    name: name ?? x.filename,
    format: xa.format === ya.format ? xa.format : `${xa.format}+${ya.format}`,
  };
}

/**
 * Reads an upload in any of its forms — multipart (x and y, or one file), CSV or JSON bytes, JSON
 * `{ url }` downloaded within the limits, JSON `{ x, y }` — into a validated dataset.
 */
export async function readUpload(
  request: FastifyRequest,
  q: DatasetUploadQuery,
  limits: UploadLimits,
): Promise<ParsedUpload> {
  if (request.isMultipart()) return readMultipart(request, q, limits);
  if (Buffer.isBuffer(request.body))
    return parseText(request.body, q, q.name ?? 'upload.csv', String(request.headers['content-type'] ?? ''), limits);
  const body = request.body as { url?: string; x?: unknown; y?: unknown; name?: string } | undefined;
  // With no body and no content type no parser (and so no schema) runs: the handler gets nothing.
  if (body === undefined || body === null) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'body is empty: send JSON { x, y } or { url }, text/csv, or multipart/form-data',
      { path: 'body' },
    );
  }
  if (typeof body.url === 'string') {
    const got = await fetchDataset(body.url, {
      maxBytes: limits.maxBytes,
      timeoutMs: limits.fetchTimeoutMs,
      allowPrivate: limits.allowPrivateUrls,
    });
    const name = body.name ?? q.name ?? (new URL(got.url).pathname.split('/').pop() || 'download');
    return parseText(got.bytes, q, name, got.contentType, limits);
  }
  const name = body.name ?? q.name ?? 'upload.json';
  return { data: fromJsonData({ x: body.x, y: body.y }, { ...readOptions(q, limits), name }), name, format: 'json' };
}
