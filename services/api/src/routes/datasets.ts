import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import {
  BuiltinDatasetList,
  DatasetId,
  DatasetJsonBody,
  DatasetList,
  DatasetListQuery,
  DatasetUploadQuery,
  DatasetUrlBody,
  DatasetView,
  DATASET_LIMITS,
  ErrorEnvelope,
} from '@trainyard/contracts';
import { BUILTINS, type CsvDataset } from '@trainyard/data';
import { datasetView } from '../dataset-store.js';
import { readUpload, tooLarge, type UploadLimits } from '../dataset-upload.js';
import { ApiError } from '../errors.js';
import type { RouteApp } from './route-app.js';

const DatasetParams = Type.Object({ id: DatasetId });

const errors = { 400: ErrorEnvelope, 413: ErrorEnvelope, 415: ErrorEnvelope, 503: ErrorEnvelope };

/** The body of POST /v1/datasets as documented; only JSON is checked against a schema (see registerUpload). */
const UploadBody = {
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
};

/** POST /v1/datasets: any of the upload forms, validated and stored. */
function registerUpload(app: RouteApp, limits: UploadLimits): void {
  app.post(
    '/v1/datasets',
    {
      bodyLimit: limits.maxBytes,
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
        body: UploadBody as never,
        response: { 201: DatasetView, ...errors },
      },
      // Bodies other than JSON are read by the handler; only JSON is checked against a schema first.
      validatorCompiler: (route) =>
        route.httpPart === 'body' && (route as { contentType?: string }).contentType !== 'application/json'
          ? (data: unknown) => ({ value: data })
          : TypeBoxValidatorCompiler(route),
    },
    async (request, reply) => {
      const parsed = await readUpload(request, request.query, limits);
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
}

/** GET /v1/datasets: a page of the tenant's datasets, newest first. */
function registerListDatasets(app: RouteApp): void {
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
}

/** GET /v1/datasets/builtin. */
function registerListBuiltins(app: RouteApp): void {
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
}

/** GET /v1/datasets/:id. */
function registerGetDataset(app: RouteApp): void {
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
}

/** DELETE /v1/datasets/:id: the record and its stored arrays. */
function registerDeleteDataset(app: RouteApp): void {
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
}

/** Upload, list, read and delete datasets; list the built-ins. */
export const datasetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const limits: UploadLimits = {
    maxBytes: app.config.maxDatasetBytes,
    maxJsonDepth: app.config.maxJsonDepth,
    fetchTimeoutMs: app.config.datasetFetchTimeoutMs,
    allowPrivateUrls: app.config.datasetUrlAllowPrivate,
  };
  const { maxBytes } = limits;
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
  registerUpload(app, limits);
  registerListDatasets(app);
  registerListBuiltins(app);
  registerGetDataset(app);
  registerDeleteDataset(app);
};

function notFound(id: string): ApiError {
  return new ApiError('DATASET_NOT_FOUND', `No dataset ${id}`, { id });
}
