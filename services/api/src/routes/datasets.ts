import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  BuiltinDatasetList,
  DatasetId,
  DatasetJsonBody,
  DatasetList,
  DatasetListQuery,
  DatasetUploadQuery,
  type DatasetUploadQuery as DatasetUploadQueryType,
  DatasetUrlBody,
  DatasetView,
  DATASET_LIMITS,
  ErrorEnvelope,
} from '@trainyard/contracts';
import {
  BUILTINS,
  fromArrays,
  fromJsonData,
  parseCsv,
  readArrayFile,
  type CsvDataset,
  type Dataset,
} from '@trainyard/data';
import { datasetView } from '../dataset-store.js';
import { ApiError } from '../errors.js';
import { fetchDataset } from '../fetch-url.js';
import { jsonTooDeep, tooDeep } from '../json-depth.js';

const DatasetParams = Type.Object({ id: DatasetId });
type UploadQuery = DatasetUploadQueryType;

/** What a parsed upload needs besides the arrays: its name, format and CSV class names. */
interface Parsed {
  data: Dataset;
  name: string;
  format: string;
}

const errors = { 400: ErrorEnvelope, 413: ErrorEnvelope, 415: ErrorEnvelope, 503: ErrorEnvelope };

/** Upload, list, read and delete datasets; list the built-ins. */
export const datasetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const maxBytes = app.config.maxDatasetBytes;
  // Float32 storage: four bytes a value, so the byte cap also bounds what a parsed file may hold.
  const maxValues = Math.max(1, Math.floor(maxBytes / 4));

  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: maxBytes, files: 2, fields: 4, fieldSize: 1024, parts: 6 },
  });
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_req, body, done) => done(null, body),
  );
  // Size failures of Fastify's and multipart's own parsers are this catalogue's DATASET_TOO_LARGE.
  app.setErrorHandler((err: FastifyError) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    throw err;
  });

  const readOptions = (q: UploadQuery) => ({
    maxValues,
    ...(q.classes !== undefined && { classes: q.classes }),
    ...(q.shape !== undefined && { sampleShape: q.shape.split(',').map(Number) }),
  });

  /** Reads a CSV or JSON file by its content; CSV needs `?target=`. */
  function parseText(bytes: Buffer, q: UploadQuery, name: string, hint: string): Parsed {
    const first = bytes.subarray(0, 64).toString('utf8').trimStart()[0];
    if (hint.includes('json') || first === '{') {
      // A file or download skips the body parser's depth cap, so it gets the same check here.
      const text = new TextDecoder('utf-8').decode(bytes);
      if (jsonTooDeep(text, app.config.maxJsonDepth))
        throw tooDeep(`The JSON dataset ${name}`, app.config.maxJsonDepth);
      return { data: fromJsonData(text, { ...readOptions(q), name }), name, format: 'json' };
    }
    if (!q.target)
      throw new ApiError('VALIDATION_FAILED', 'A CSV upload needs ?target=<column> naming its target column', {
        path: 'querystring/target',
      });
    const data: CsvDataset = parseCsv(bytes, {
      ...readOptions(q),
      target: q.target,
      regression: q.regression ?? false,
      name,
    });
    return { data, name, format: 'csv' };
  }

  async function readMultipart(request: FastifyRequest, q: UploadQuery): Promise<Parsed> {
    const files = new Map<string, { bytes: Buffer; filename: string; mimetype: string }>();
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
    const file = files.get('file');
    const name = q.name;
    if (file) {
      if (files.size > 1)
        throw new ApiError('VALIDATION_FAILED', 'Send either one file (CSV or JSON) or the pair x and y, not both', {});
      return parseText(file.bytes, q, name ?? file.filename, `${file.mimetype} ${file.filename}`);
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
    if (xa.data.length + ya.data.length > maxValues) throw tooLarge(maxBytes);
    const data = fromArrays(xa, ya, { ...readOptions(q), name: name ?? x.filename });
    return {
      data,
      name: name ?? x.filename,
      format: xa.format === ya.format ? xa.format : `${xa.format}+${ya.format}`,
    };
  }

  app.post(
    '/v1/datasets',
    {
      bodyLimit: maxBytes,
      schema: {
        operationId: 'uploadDataset',
        summary: 'Upload a dataset',
        description:
          'Stores a dataset after validating it, and answers its id, shapes and class count. Send one of: JSON `{ x, y }` ' +
          '(nested arrays); JSON `{ url }` (a CSV or JSON file the server downloads, with a size cap and a timeout; loopback and ' +
          'private addresses are refused); `text/csv` with a header row and `?target=<column>`; or multipart/form-data with ' +
          'the files `x` and `y` (NumPy .npy, or IDX plain or .gz as MNIST ships them) or one CSV/JSON file as `file`. ' +
          'A 1-D y holds integer class indices (below `?classes=` when given); a 2-D y holds one-hot rows or regression targets. ' +
          'Every value must be finite, x and y must have the same number of samples, and `?shape=28,28` reshapes each sample.',
        tags: ['datasets'],
        querystring: DatasetUploadQuery,
        body: {
          content: {
            'application/json': {
              schema: Type.Union([DatasetJsonBody, DatasetUrlBody], {
                examples: [
                  {
                    name: 'xor',
                    x: [
                      [0, 0],
                      [0, 1],
                      [1, 0],
                      [1, 1],
                    ],
                    y: [0, 1, 1, 0],
                  },
                  { url: 'https://example.com/iris.csv', name: 'iris' },
                ],
              }),
            },
            'text/csv': {
              schema: Type.String({
                description: 'CSV with a header row; name the target with ?target=',
                examples: [
                  'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n',
                ],
              }),
            },
            'multipart/form-data': {
              schema: Type.Object({
                x: Type.Optional(Type.String({ format: 'binary', description: 'Features: .npy or IDX (.gz)' })),
                y: Type.Optional(Type.String({ format: 'binary', description: 'Targets: .npy or IDX (.gz)' })),
                file: Type.Optional(
                  Type.String({ format: 'binary', description: 'One CSV (with ?target=) or JSON { x, y } file' }),
                ),
              }),
            },
          },
        } as never,
        response: { 201: DatasetView, ...errors },
      },
      // Bodies other than JSON are read by the handler; only JSON is checked against a schema first.
      validatorCompiler: (route) =>
        route.httpPart === 'body' && (route as { contentType?: string }).contentType !== 'application/json'
          ? (data: unknown) => ({ value: data })
          : TypeBoxValidatorCompiler(route),
    },
    async (request, reply) => {
      const q = request.query;
      let parsed: Parsed;
      const type = String(request.headers['content-type'] ?? '');
      if (request.isMultipart()) {
        parsed = await readMultipart(request, q);
      } else if (Buffer.isBuffer(request.body)) {
        parsed = parseText(request.body, q, q.name ?? 'upload.csv', type);
      } else {
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
            maxBytes,
            timeoutMs: app.config.datasetFetchTimeoutMs,
            allowPrivate: app.config.datasetUrlAllowPrivate,
          });
          const name = body.name ?? q.name ?? (new URL(got.url).pathname.split('/').pop() || 'download');
          parsed = parseText(got.bytes, q, name, got.contentType);
        } else {
          const name = body.name ?? q.name ?? 'upload.json';
          parsed = { data: fromJsonData({ x: body.x, y: body.y }, { ...readOptions(q), name }), name, format: 'json' };
        }
      }
      const record = await app.datasets.create(request.tenant, parsed.data, {
        name: parsed.name,
        format: parsed.format,
        ...((parsed.data as CsvDataset).classNames && { classNames: (parsed.data as CsvDataset).classNames }),
      });
      request.log.info({ datasetId: record.id, samples: record.samples, bytes: record.bytes }, 'dataset stored');
      const view = datasetView(record);
      return reply.status(201).header('location', view.links.self).send(view);
    },
  );

  app.get(
    '/v1/datasets',
    {
      schema: {
        operationId: 'listDatasets',
        summary: 'List datasets',
        description: 'Uploaded datasets, newest first, a page at a time: pass `next_cursor` back as `cursor`.',
        tags: ['datasets'],
        querystring: DatasetListQuery,
        response: { 200: DatasetList, 400: ErrorEnvelope, 503: ErrorEnvelope },
      },
    },
    async (request) => {
      const { limit = DATASET_LIMITS.defaultListLimit, cursor } = request.query;
      if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(cursor))
        throw new ApiError('VALIDATION_FAILED', 'cursor is not one this api gave out', { path: 'querystring/cursor' });
      const page = await app.datasets.list(request.tenant, limit, cursor);
      return { items: page.items.map(datasetView), next_cursor: page.next };
    },
  );

  app.get(
    '/v1/datasets/builtin',
    {
      schema: {
        operationId: 'listBuiltinDatasets',
        summary: 'List the built-in datasets',
        description:
          'Synthetic generators, bundled tables and installed datasets, with their sample shapes, classes and options; use one in a job as `{ "builtin": name, "options": {…} }`.',
        tags: ['datasets'],
        response: { 200: BuiltinDatasetList, 400: ErrorEnvelope },
      },
    },
    async () => ({
      items: BUILTINS.map((b) => ({
        name: b.name,
        kind: b.kind,
        task: b.task,
        description: b.description,
        sample_shape: b.sampleShape,
        classes: b.classes,
        ...(b.samples !== undefined && { samples: b.samples }),
        options: b.options.map((o) => ({ ...o })),
      })),
    }),
  );

  app.get(
    '/v1/datasets/:id',
    {
      schema: {
        operationId: 'getDataset',
        summary: 'Get a dataset',
        description:
          'The stored dataset: sample count, x and y shapes, class count (and CSV class names), bytes stored.',
        tags: ['datasets'],
        params: DatasetParams,
        response: { 200: DatasetView, 400: ErrorEnvelope, 404: ErrorEnvelope, 503: ErrorEnvelope },
      },
    },
    async (request) => {
      const record = await app.datasets.get(request.tenant, request.params.id);
      if (!record) throw notFound(request.params.id);
      return datasetView(record);
    },
  );

  app.delete(
    '/v1/datasets/:id',
    {
      schema: {
        operationId: 'deleteDataset',
        summary: 'Delete a dataset',
        description:
          'Removes the record and its stored arrays. Jobs already queued with it fail with DATASET_NOT_FOUND.',
        tags: ['datasets'],
        params: DatasetParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          400: ErrorEnvelope,
          404: ErrorEnvelope,
          503: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      if (!(await app.datasets.delete(request.tenant, request.params.id))) throw notFound(request.params.id);
      return reply.status(204).send(null);
    },
  );
};

function notFound(id: string): ApiError {
  return new ApiError('DATASET_NOT_FOUND', `No dataset ${id}`, { id });
}

function tooLarge(limit: number): ApiError {
  return new ApiError('DATASET_TOO_LARGE', `The dataset is larger than the ${limit}-byte limit`, { limit });
}
