import type { FastifyInstance } from 'fastify';

/** The dataset byte limit the dataset tests run their apps with (small, so 413s are cheap to provoke). */
export const LIMIT = 200_000;

/** Iris-like rows: 4 features, a text species column, linearly separable by the first feature. */
export function irisCsv(n: number): string {
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = Array.from(
    { length: n },
    (_, i) =>
      `${(i % 3) * 2 + 1 + (i % 5) * 0.1},${3 + (i % 4) * 0.1},${1.4 + (i % 3)},${0.2 * (i % 3)},${names[i % 3]}`,
  );
  return ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows].join('\n') + '\n';
}

/** A multipart/form-data body with file parts, as a browser or curl -F sends it. */
export function form(files: { name: string; filename: string; content: Buffer | string; type?: string }[]): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----trainyard-test-boundary';
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\ncontent-type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** An IDX file of unsigned bytes (MNIST's format). */
export function idx(shape: number[], values: number[]): Buffer {
  const out = Buffer.alloc(4 + 4 * shape.length + values.length);
  out.set([0, 0, 0x08, shape.length]);
  shape.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  out.set(values, 4 + 4 * shape.length);
  return out;
}

/** A POST /v1/datasets request: body, headers and querystring. */
export interface UploadRequest {
  payload: unknown;
  headers?: Record<string, string>;
  query?: string;
}

/** Sends an upload to `target` and answers its status and parsed body. */
export async function uploadTo(target: FastifyInstance, opts: UploadRequest) {
  const res = await target.inject({
    method: 'POST',
    url: `/v1/datasets${opts.query ?? ''}`,
    payload: opts.payload as string,
    headers: opts.headers ?? {},
  });
  return { status: res.statusCode, body: res.json() };
}
