// Analyses keyed by content hash and analysis version: the same photo is analysed once per run, and once ever with a cache dir.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from './types.ts';

/** Wraps an analyser: concurrent requests for the same content share one analysis; `dir` keeps them across runs. */
export class CachedAnalyser {
  readonly version: string;
  private inFlight = new Map<string, Promise<Analysis>>();

  constructor(
    private readonly inner: { readonly version: string; analyse(bytes: Buffer): Promise<Analysis> },
    private readonly dir?: string,
  ) {
    this.version = inner.version;
    if (dir) mkdirSync(dir, { recursive: true });
  }

  private file(sha256: string): string {
    return join(this.dir!, `${sha256}.${this.version.replace(/[^\w.-]/g, '_')}.json`);
  }

  analyse(bytes: Buffer, sha256: string): Promise<Analysis> {
    const key = sha256;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const p = this.load(bytes, sha256);
    this.inFlight.set(key, p);
    p.catch(() => this.inFlight.delete(key));
    return p;
  }

  private async load(bytes: Buffer, sha256: string): Promise<Analysis> {
    if (this.dir) {
      try {
        const cached = JSON.parse(readFileSync(this.file(sha256), 'utf8')) as Analysis;
        if (cached.version === this.version && cached.sha256 === sha256) return cached;
      } catch {
        // not cached (or unreadable): analyse
      }
    }
    const analysis = await this.inner.analyse(bytes);
    if (this.dir) {
      const tmp = `${this.file(sha256)}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(analysis));
      renameSync(tmp, this.file(sha256));
    }
    return analysis;
  }
}
