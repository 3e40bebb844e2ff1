import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { datasetBlobKey, type DatasetView } from '@trainyard/contracts';
import { encodeNpy, isOneHot, type Dataset } from '@trainyard/data';
import { datasetKeys, type BlobStore } from '@trainyard/store';

/** A stored dataset's record, as kept in Redis (the view without links). */
export type DatasetRecord = Omit<DatasetView, 'links'>;

/** A fresh dataset id: `ds_` and 12 url-safe random characters. */
export function newDatasetId(): string {
  return `ds_${randomBytes(9).toString('base64url')}`;
}

export function datasetView(r: DatasetRecord): DatasetView {
  return { ...r, links: { self: `/v1/datasets/${r.id}` } };
}

/** The record as Redis keeps it: the view's fields and the owning tenant. */
type StoredRecord = DatasetRecord & { tenant: string };

/** A stored record as its tenant sees it (without the tenant field); another tenant's is null. */
function ownRecord(raw: string | null, tenant: string): DatasetRecord | null {
  if (!raw) return null;
  const { tenant: owner, ...record } = JSON.parse(raw) as StoredRecord;
  return owner === tenant ? record : null;
}

// Index members sort newest first: an inverted, zero-padded millisecond time, then the id.
const MAX_MS = 9_999_999_999_999;
const member = (r: { id: string; created_at: string }): string =>
  `${String(MAX_MS - Date.parse(r.created_at)).padStart(13, '0')}|${r.id}`;

/**
 * Uploaded datasets: arrays in the blob store (float32 .npy plus meta.json, which is all a worker
 * reads), records and a newest-first index in Redis. Blobs are written before the record, and the
 * record removed before the blobs, so a listed dataset always has its data.
 */
export class DatasetStore {
  constructor(
    private readonly redis: Redis,
    private readonly blobs: BlobStore,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return datasetKeys.record(this.prefix, id);
  }

  private index(tenant: string): string {
    return datasetKeys.byTenant(this.prefix, tenant);
  }

  /** Stores a validated dataset for a tenant and returns its record. */
  async create(
    tenant: string,
    data: Dataset,
    info: { name: string; format: string; classNames?: string[] },
  ): Promise<DatasetRecord> {
    const id = newDatasetId();
    const classes =
      data.classes ?? (data.y.shape.length === 2 && data.y.shape[1] > 1 && isOneHot(data.y) ? data.y.shape[1] : null);
    const x = encodeNpy(data.x.data, data.x.shape);
    const y = encodeNpy(data.y.data, data.y.shape);
    const record: DatasetRecord = {
      id,
      name: info.name,
      format: info.format,
      samples: data.x.shape[0],
      x_shape: data.x.shape,
      y_shape: data.y.shape,
      dtype: 'float32',
      classes,
      ...(info.classNames && { class_names: info.classNames }),
      bytes: x.length + y.length,
      created_at: new Date().toISOString(),
    };
    try {
      await this.blobs.put(datasetBlobKey(id, 'x.npy'), x);
      await this.blobs.put(datasetBlobKey(id, 'y.npy'), y);
      await this.blobs.put(datasetBlobKey(id, 'meta.json'), Buffer.from(JSON.stringify(record)));
      const stored: StoredRecord = { ...record, tenant };
      await this.redis
        .multi()
        .set(this.key(id), JSON.stringify(stored))
        .zadd(this.index(tenant), 0, member(record))
        .exec();
    } catch (err) {
      await this.blobs.delete(datasetBlobKey(id)).catch(() => undefined);
      throw err;
    }
    return record;
  }

  /** The tenant's dataset, or null (unknown, or another tenant's). */
  async get(tenant: string, id: string): Promise<DatasetRecord | null> {
    return ownRecord(await this.redis.get(this.key(id)), tenant);
  }

  /** One page of the tenant's datasets, newest first; `cursor` is the previous page's `next`. */
  async list(tenant: string, limit: number, cursor?: string): Promise<{ items: DatasetRecord[]; next: string | null }> {
    const from = cursor ? `(${Buffer.from(cursor, 'base64url').toString()}` : '-';
    const members = await this.redis.zrangebylex(this.index(tenant), from, '+', 'LIMIT', 0, limit + 1);
    const page = members.slice(0, limit);
    const raws = page.length ? await this.redis.mget(...page.map((m) => this.key(m.slice(m.indexOf('|') + 1)))) : [];
    const items = raws.map((r) => ownRecord(r, tenant)).filter((r): r is DatasetRecord => r !== null);
    const next = members.length > limit ? Buffer.from(page[page.length - 1]).toString('base64url') : null;
    return { items, next };
  }

  /** Removes the record, then the blobs; false when there was no such dataset. */
  async delete(tenant: string, id: string): Promise<boolean> {
    const record = await this.get(tenant, id);
    if (!record) return false;
    const [[, removed] = [null, 0]] =
      (await this.redis.multi().del(this.key(id)).zrem(this.index(tenant), member(record)).exec()) ?? [];
    await this.blobs.delete(datasetBlobKey(id));
    return removed === 1;
  }
}
