// The SQLite store: migrations, content-addressed photos, analysis records, versions of a submission, hashed tokens.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhotocheckError } from '../src/errors/catalogue.ts';
import { planVersion } from '../src/service/plan.ts';
import { migrations } from '../src/store/migrate.ts';
import { Store } from '../src/store/store.ts';
import { analysis as makeAnalysis } from './helpers/analysis.ts';

const fresh = () => new Store(mkdtempSync(join(tmpdir(), 'pc-store-')));

describe('Store', () => {
  it('applies the numbered migrations once, also when opened again', () => {
    const store = fresh();
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations().length);
    store.close();
    const again = new Store(store.dataDir);
    expect(again.db.pragma('user_version', { simple: true })).toBe(migrations().length);
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
  });

  it('stores a photo once by content hash and reads it back checked', async () => {
    const store = fresh();
    const bytes = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', 'small.jpg'));
    const a = await store.photos.put(bytes);
    const b = await store.photos.put(bytes);
    expect(a).toBe(b);
    expect(store.photos.path(a)).toBe(join(store.dataDir, 'photos', a.slice(0, 2), a));
    expect((await store.photos.read(a)).equals(bytes)).toBe(true);
    await expect(store.photos.read('0'.repeat(64))).rejects.toMatchObject({ code: 'PC_ERR_PHOTO_MISSING' });
  });

  it('keeps a done or error analysis final, and lets a failed one be replaced', () => {
    const store = fresh();
    const sha = 'a'.repeat(64);
    store.addPhoto(sha, 1);
    const analysis = makeAnalysis({ sha256: sha });
    expect(store.putAnalysis(sha, 'v1', { status: 'failed', error: { reason: 'thread died' }, worker: 'w1', durationMs: 1 })).toBe(true);
    expect(store.putAnalysis(sha, 'v1', { status: 'done', analysis, worker: 'w2', durationMs: 2 })).toBe(true);
    expect(store.putAnalysis(sha, 'v1', { status: 'done', analysis, worker: 'w3', durationMs: 3 })).toBe(false);
    expect(store.getAnalysis(sha, 'v1')).toMatchObject({ status: 'done', worker: 'w2' });
    expect(store.getAnalysis(sha, 'v2')).toBeUndefined();
  });

  it('numbers the versions of a (unit, activity) and finds what is not analysed', () => {
    const store = fresh();
    const [x, y] = ['1'.repeat(64), '2'.repeat(64)];
    store.addPhoto(x, 1);
    store.addPhoto(y, 1);
    const base = { unit: '雁江镇', activity: '四', campaignId: 'c', analysisVersion: 'v', submittedAt: new Date().toISOString(), late: false, tokenId: null };
    const s1 = store.createSubmission(base, [{ file: 'a.jpg', sha256: x, change: 'added' }]);
    const s2 = store.createSubmission(base, [
      { file: 'a.jpg', sha256: x, change: 'unchanged' },
      { file: 'b.jpg', sha256: y, change: 'added' },
    ]);
    expect([s1.version, s2.version]).toEqual([1, 2]);
    expect(store.latestSubmissions('c').map((s) => s.id)).toEqual([s2.id]);
    expect(store.version('c', '雁江镇', '四', 1)!.id).toBe(s1.id);
    store.putAnalysis(x, 'v', { status: 'done', analysis: makeAnalysis({ sha256: x }), worker: null, durationMs: null });
    expect(store.unanalysed('v', s2.id)).toEqual([y]);
    expect(store.unanalysed('v', s1.id)).toEqual([]);
  });

  it('keeps only the hash of a token', () => {
    const store = fresh();
    const t = store.createToken({ role: 'unit', unit: '雁江镇' });
    expect(t.token).toMatch(/^pc_[\w-]{32}$/);
    expect(store.findToken(t.token)).toMatchObject({ role: 'unit', unit: '雁江镇' });
    expect(store.findToken(`${t.token}x`)).toBeUndefined();
    const dump = JSON.stringify(store.db.prepare('SELECT * FROM tokens').all());
    expect(dump).not.toContain(t.token);
    expect(() => store.db.prepare("INSERT INTO tokens (hash, role, unit, created_at) VALUES ('h', 'unit', NULL, 'now')").run()).toThrow(/CHECK/);
  });
});

describe('planVersion', () => {
  const prev = [
    { file: 'a.jpg', sha256: 'A', change: 'added' as const },
    { file: 'b.jpg', sha256: 'B', change: 'added' as const },
  ];

  it('merge: replaces by name, adds new names, keeps the rest, drops what is removed', () => {
    const p = planVersion(prev, [{ file: 'a.jpg', sha256: 'A2' }, { file: 'c.jpg', sha256: 'C' }], { mode: 'merge', remove: ['b.jpg'] });
    expect(p.photos).toEqual([
      { file: 'a.jpg', sha256: 'A2', change: 'replaced' },
      { file: 'c.jpg', sha256: 'C', change: 'added' },
    ]);
    expect(p.removed).toEqual(['b.jpg']);
  });

  it('replace: the upload is the whole version; same bytes under the same name are unchanged', () => {
    const p = planVersion(prev, [{ file: 'a.jpg', sha256: 'A' }], { mode: 'replace' });
    expect(p.photos).toEqual([{ file: 'a.jpg', sha256: 'A', change: 'unchanged' }]);
    expect(p.removed).toEqual(['b.jpg']);
  });

  it('refuses a name uploaded twice and removing what is not there', () => {
    expect(() => planVersion(prev, [{ file: 'x', sha256: '1' }, { file: 'x', sha256: '2' }], { mode: 'merge' })).toThrow(PhotocheckError);
    expect(() => planVersion(prev, [], { mode: 'merge', remove: ['z.jpg'] })).toThrow(/no photo named "z.jpg"/);
  });
});
