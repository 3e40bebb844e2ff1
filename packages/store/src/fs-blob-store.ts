import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { checkKey, chunksOf, type BlobInput, type BlobStore } from './blob-store.js';

/**
 * Blobs as files under one directory (key `a/b` is the file `<dir>/a/b`). A put writes a temp
 * file in `<dir>/.tmp` and renames it into place, which is atomic on one filesystem.
 */
export class FsBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, ...checkKey(key).split('/'));
  }

  async put(key: string, data: BlobInput): Promise<{ bytes: number }> {
    const target = this.path(key);
    const tmpDir = join(this.dir, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
    let bytes = 0;
    const counted = async function* (): AsyncGenerator<Uint8Array> {
      for await (const c of chunksOf(data)) {
        bytes += c.byteLength;
        yield c;
      }
    };
    try {
      await pipeline(Readable.from(counted()), createWriteStream(tmp));
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return { bytes };
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR')
        return null;
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(keyOrPrefix: string): Promise<number> {
    checkKey(keyOrPrefix, true);
    if (!keyOrPrefix.endsWith('/')) {
      try {
        if (!(await stat(this.path(keyOrPrefix))).isFile()) return 0;
        await unlink(this.path(keyOrPrefix));
        return 1;
      } catch {
        return 0;
      }
    }
    const root = join(this.dir, ...keyOrPrefix.slice(0, -1).split('/'));
    const files = await listFiles(root);
    await rm(root, { recursive: true, force: true });
    return files;
  }
}

async function listFiles(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  return entries.filter((e) => e.isFile() && !relative(dir, join(e.parentPath, e.name)).startsWith(`.tmp${sep}`))
    .length;
}
