// Photos stored once by content hash: <data>/photos/<first two hex digits>/<sha256>, written atomically.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PhotocheckError } from '../errors/catalogue.ts';
import { sha256 as hashOf } from '../util/hash.ts';

/** A file received into the data directory's tmp/ and hashed on the way, not yet in the store. */
export interface Received {
  path: string;
  sha256: string;
  bytes: number;
}

export class PhotoStore {
  readonly root: string;
  private readonly tmp: string;

  /** `readOnly`: only read() and has() are used (a worker on a read-only mount of the data volume); nothing is created. */
  constructor(dataDir: string, opts: { readOnly?: boolean } = {}) {
    this.root = join(dataDir, 'photos');
    this.tmp = join(dataDir, 'tmp');
    if (opts.readOnly) return;
    mkdirSync(this.root, { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`Expected a hex sha256 for sha256 but received ${JSON.stringify(sha256)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  /** Stream an upload into tmp/, hashing it; `limit` bytes at most (the stream's own limit should stop it earlier). */
  async receive(stream: Readable): Promise<Received> {
    const path = join(this.tmp, `upload-${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    try {
      await pipeline(stream, createWriteStream(path));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return { path, sha256: hash.digest('hex'), bytes };
  }

  /** Move a received file into the store (or drop it when the same content is already there). */
  commit(received: Received): void {
    const dest = this.path(received.sha256);
    if (existsSync(dest)) {
      rmSync(received.path, { force: true });
      return;
    }
    mkdirSync(join(this.root, received.sha256.slice(0, 2)), { recursive: true });
    renameSync(received.path, dest);
  }

  discard(received: Received): void {
    rmSync(received.path, { force: true });
  }

  /** Store bytes directly (tests, tools). Returns the sha256. */
  async put(bytes: Buffer): Promise<string> {
    const sha = hashOf(bytes);
    if (this.has(sha)) return sha;
    const tmp = join(this.tmp, `put-${process.pid}-${randomBytes(8).toString('hex')}`);
    await writeFile(tmp, bytes);
    this.commit({ path: tmp, sha256: sha, bytes: bytes.length });
    return sha;
  }

  /**
   * The bytes of a stored photo, checked against their hash. A missing file means this process does not see the
   * data directory the API wrote to (a worker on another machine without the shared photos volume).
   */
  async read(sha256: string): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(sha256));
    } catch (err) {
      throw new PhotocheckError('PC_ERR_PHOTO_MISSING', { sha256, dir: this.root, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
    }
    const actual = hashOf(bytes);
    if (actual !== sha256) throw new PhotocheckError('PC_ERR_PHOTO_MISSING', { sha256, dir: this.root, reason: `content hash is ${actual}` });
    return bytes;
  }

  size(sha256: string): number {
    return statSync(this.path(sha256)).size;
  }
}
