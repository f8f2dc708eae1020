// Duplicate detection: the multi-index hash index against brute force, the service's SQLite index and its
// earlier-submissions semantics, and `check` over the near-duplicate fixtures (fixtures/make-duplicates.ts) end to end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { hammingDistance } from '../src/analysis/phash.ts';
import { bandNeighbours, HashIndex } from '../src/duplicates/hash-index.ts';
import { runCheck } from '../src/cli/check.ts';
import type { Report } from '../src/report/report.ts';
import { PhotocheckService } from '../src/service/service.ts';
import { duplicateFinder, nearHashes } from '../src/store/duplicates.ts';
import { Store } from '../src/store/store.ts';
import { sha256 } from '../src/util/hash.ts';
import { analysis } from './helpers/analysis.ts';

/** Deterministic random 64-bit hashes (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (r: () => number) => Array.from({ length: 16 }, () => Math.floor(r() * 16).toString(16)).join('');
/** `hash` with `k` distinct random bits flipped. */
function flip(hash: string, k: number, r: () => number): string {
  const bits = [...hash].flatMap((d) => parseInt(d, 16).toString(2).padStart(4, '0').split('').map(Number));
  const picked = new Set<number>();
  while (picked.size < k) picked.add(Math.floor(r() * 64));
  for (const i of picked) bits[i] = 1 - bits[i]!;
  return Array.from({ length: 16 }, (_, i) => parseInt(bits.slice(i * 4, i * 4 + 4).join(''), 2).toString(16)).join('');
}

describe('HashIndex (multi-index hashing, 4 bands of 16 bits)', () => {
  const r = rng(42);
  const N = 20_000;
  const stored = Array.from({ length: N }, () => hex(r));
  // Plant near copies at every distance 0–20 so every radius has answers.
  for (let d = 0; d <= 20; d++) for (let k = 0; k < 5; k++) stored.push(flip(stored[d * 5 + k]!, d, r));
  const index = new HashIndex<number>();
  stored.forEach((h, i) => index.add(h, i));

  it.each([3, 8, 14, 20])('finds exactly what brute force finds within radius %i', (radius) => {
    for (let q = 0; q < 16; q++) {
      const query = q < 10 ? flip(stored[q * 5]!, q % 6, r) : hex(r);
      const brute = stored.flatMap((h, i) => (hammingDistance(query, h) <= radius ? [i] : [])).sort((a, b) => a - b);
      const found = index.near(query, radius);
      expect(found.map((n) => n.item).sort((a, b) => a - b)).toEqual(brute);
      for (const n of found) expect(n.distance).toBe(hammingDistance(query, stored[n.item]!));
    }
  });

  it('verifies only a small fraction of the index per query (sub-linear in practice)', () => {
    const fraction = (radius: number) => {
      let total = 0;
      for (let q = 0; q < 50; q++) {
        index.near(hex(r), radius);
        total += index.lastCandidates;
      }
      return total / 50 / index.size;
    };
    // Expected ≈ 4 × probes / 65 536: 1 probe a band (r ≤ 3), 17 (r ≤ 7), 137 (r ≤ 11), 697 (r ≤ 15).
    expect(fraction(3)).toBeLessThan(0.0003);
    expect(fraction(8)).toBeLessThan(0.015);
    expect(fraction(14)).toBeLessThan(0.06);
  });

  it('probes each band with its neighbours within the band radius', () => {
    expect(bandNeighbours('0000', 0)).toEqual(['0000']);
    expect(bandNeighbours('00ff', 1)).toHaveLength(17);
    expect(new Set(bandNeighbours('abcd', 3)).size).toBe(1 + 16 + 120 + 560);
  });
});

describe('the service index in SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'photocheck-dup-'));
  const store = new Store(dir);
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sha = (c: string) => c.repeat(64);
  const base = '0123456789abcdef';
  const put = (c: string, phash: string, extra: Parameters<typeof analysis>[0] = {}) => {
    store.addPhoto(sha(c), 1);
    store.putAnalysis(sha(c), 'v', { status: 'done', analysis: analysis({ sha256: sha(c), phash, phashMirrored: 'ffffffffffffffff', ...extra }), worker: null, durationMs: null });
  };
  const submit = (unit: string, activity: string, photos: [string, string][]) => {
    for (const [, c] of photos) store.addPhoto(sha(c), 1);
    return store.createSubmission(
      { unit, activity, campaignId: 'c', analysisVersion: 'v', submittedAt: new Date().toISOString(), late: false, tokenId: null },
      photos.map(([file, c]) => ({ file, sha256: sha(c), change: 'added' as const })),
    );
  };

  it('finds stored hashes within the radius through the band columns', () => {
    put('a', base);
    put('b', flip(base, 6, rng(1)));
    put('c', flip(base, 20, rng(2)));
    expect(nearHashes(store.db, base, 14).map((n) => [n.sha256[0], n.distance]).sort()).toEqual([['a', 0], ['b', 6]]);
  });

  it('links a later copy to the earlier submission, never the other way, and says when the answer is final', () => {
    const first = submit('雁江镇', '四', [['x.jpg', 'a']]);
    const second = submit('临江镇', '六', [['y.jpg', 'b'], ['z.jpg', 'd']]); // d not analysed yet
    const a = store.getAnalysis(sha('a'), 'v');
    const b = store.getAnalysis(sha('b'), 'v');
    if (a?.status !== 'done' || b?.status !== 'done') throw new Error('analyses missing');
    expect(duplicateFinder(store, first, 14).of('x.jpg', a.analysis)).toEqual([]);
    const later = duplicateFinder(store, second, 14);
    expect(later.complete).toBe(false);
    expect(later.of('y.jpg', b.analysis)).toEqual([
      expect.objectContaining({ sha256: sha('a'), unit: '雁江镇', activity: '四', file: '雁江镇/四/x.jpg', submissionId: first.id, distance: 6, relation: 'other-unit' }),
    ]);
    put('d', 'fedcba9876543210');
    expect(duplicateFinder(store, second, 14).complete).toBe(true);
  });

  it('a unit that had a picture first is not flagged when it resubmits after another unit copied it', () => {
    put('f', '5555555555555555');
    const y1 = submit('社会事务局', '四', [['mine.jpg', 'f']]);
    const l1 = submit('建设局', '五', [['copy.jpg', 'f']]);
    const y2 = submit('社会事务局', '四', [['mine.jpg', 'f'], ['more.jpg', 'g']]);
    put('g', '0f0f0f0f0f0f0f0f');
    const f = store.getAnalysis(sha('f'), 'v');
    if (f?.status !== 'done') throw new Error('analysis missing');
    expect(duplicateFinder(store, l1, 14).of('copy.jpg', f.analysis).map((m) => [m.file, m.submissionId])).toEqual([['社会事务局/四/mine.jpg', y1.id]]);
    expect(duplicateFinder(store, y2, 14).of('mine.jpg', f.analysis)).toEqual([]);
  });

  it('a renamed copy in a later version is "renamed"; the same file resubmitted is not a duplicate', () => {
    const v1 = submit('区妇联', '四', [['old.jpg', 'e']]);
    put('e', 'aaaaaaaaaaaaaaaa');
    const v2 = submit('区妇联', '四', [['old.jpg', 'e'], ['new.jpg', 'e']]);
    const v3 = submit('区妇联', '四', [['new.jpg', 'e']]);
    const e = store.getAnalysis(sha('e'), 'v');
    if (e?.status !== 'done') throw new Error('analysis missing');
    expect(duplicateFinder(store, v1, 14).of('old.jpg', e.analysis)).toEqual([]);
    expect(duplicateFinder(store, v2, 14).of('old.jpg', e.analysis).map((m) => [m.file, m.relation])).toEqual([['区妇联/四/new.jpg', 'same-activity']]);
    // Dropping one of two look-alikes submitted together is a clean-up, not a rename.
    expect(duplicateFinder(store, v3, 14).of('new.jpg', e.analysis)).toEqual([]);
    const v4 = submit('区妇联', '四', [['newest.jpg', 'e']]);
    expect(duplicateFinder(store, v4, 14).of('newest.jpg', e.analysis).map((m) => [m.file, m.relation, m.submissionId])).toEqual([
      ['区妇联/四/new.jpg', 'renamed', v3.id],
      ['区妇联/四/old.jpg', 'renamed', v2.id],
    ]);
  });
});

describe('the service judges with the stored index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'photocheck-dup-svc-'));
  const store = new Store(dir);
  const service = new PhotocheckService({ store, queue: null });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Upload `bytes` whose analysis (with `phash`, no text) is already stored, as the workers would have left it. */
  const upload = async (unit: string, activity: string, file: string, bytes: Buffer, phash: string) => {
    const sha = sha256(bytes);
    store.addPhoto(sha, bytes.length);
    store.putAnalysis(sha, service.analysisVersion, { status: 'done', analysis: analysis({ sha256: sha, phash, phashMirrored: '0000ffff0000ffff', text: [] }), worker: null, durationMs: null });
    return service.submit({ unit, activity, uploads: [{ file, received: await store.photos.receive(Readable.from([bytes])) }], mode: 'merge', token: null });
  };
  const dup = (report: Report, unit: string) => report.units.find((u) => u.unit.id === unit)!.activities.flatMap((a) => a.photos)[0]!.rules.find((r) => r.id === 'duplicate')!;

  it('fails the later copy with a link to the earlier submission, and leaves the first one clean', async () => {
    const first = await upload('雁江镇', '四', 'a.jpg', Buffer.from('photo a'), '0123456789abcdef');
    await upload('临江镇', '六', 'b.jpg', Buffer.from('photo b, a recompressed copy'), flip('0123456789abcdef', 2, rng(3)));
    const report = service.report();
    expect(dup(report, '雁江镇')).toMatchObject({ status: 'pass', messageId: 'unique' });
    expect(dup(report, '临江镇')).toMatchObject({ status: 'fail', messageId: 'copy', value: 2 });
    expect(dup(report, '临江镇').evidence.matches).toEqual([
      expect.objectContaining({ file: '雁江镇/四/a.jpg', unit: '雁江镇', activity: '四', submissionId: first.submission.id, distance: 2, mirrored: false }),
    ]);
    expect(report.units.find((u) => u.unit.id === '临江镇')!.activities.find((a) => a.activity.id === '六')!.photos[0]!.verdict).toBe('fail');
  });
});

describe('photocheck check over fixtures/duplicates (real analysis)', () => {
  it('fails copies under another unit or activity with a link, and never fails the same scene under another banner', async () => {
    const report = await runCheck({ paths: [join(import.meta.dirname, '..', 'fixtures', 'duplicates')], format: 'json', lang: 'zh', quiet: true, jobs: 2 });
    const photos = new Map(report.units.flatMap((u) => u.activities.flatMap((a) => a.photos)).map((p) => [p.file, p]));
    const dup = (file: string) => photos.get(file)!.rules.find((r) => r.id === 'duplicate')!;
    expect(photos.size).toBe(10);
    const links = (file: string) => (dup(file).evidence.matches as { file: string; distance: number; mirrored: boolean; unit: string }[]);

    expect(dup('临江镇/节水护水/resized.jpg')).toMatchObject({ status: 'fail', messageId: 'copy' });
    expect(links('临江镇/节水护水/resized.jpg')).toContainEqual(expect.objectContaining({ file: '雁江镇/四/original.jpg', unit: '雁江镇', mirrored: false }));
    expect(dup('临江镇/节水护水/resized.jpg').message.zh).toContain('雁江镇提交的 雁江镇/四/original.jpg');
    // The original's banner names 雁江镇: 临江镇's copy is noted, not held against it (its own mirrored copy under 六 goes to a person).
    expect(links('雁江镇/四/original.jpg')).toContainEqual(expect.objectContaining({ file: '临江镇/节水护水/resized.jpg', distance: 0 }));
    expect(dup('雁江镇/四/original.jpg').status).toBe('review');
    expect(dup('雁江镇/六/group-mirrored.jpg')).toMatchObject({ status: 'fail', messageId: 'copy' });
    expect(links('雁江镇/六/group-mirrored.jpg')[0]).toMatchObject({ file: '临江镇/节水护水/group.jpg', mirrored: true, distance: 0 });
    expect(dup('临江镇/节水护水/group.jpg')).toMatchObject({ status: 'fail', messageId: 'copy' });
    expect(dup('临江镇/节水护水/cropped.jpg')).toMatchObject({ status: 'review', messageId: 'similar' });
    expect(links('临江镇/节水护水/cropped.jpg')).toContainEqual(expect.objectContaining({ file: '雁江镇/四/original.jpg' }));
    expect(dup('雁江镇/六/mirrored.jpg')).toMatchObject({ status: 'review', messageId: 'similar' });
    expect(dup('雁江镇/四/same-again.jpg').status).not.toBe('fail');
    expect(links('雁江镇/四/same-again.jpg')).toContainEqual(expect.objectContaining({ file: '雁江镇/四/original.jpg', relation: 'same-activity' }));
    // The same scene under 临江镇's banner, or a blank one: a different picture (a joint event), never a failure.
    for (const f of ['临江镇/节水护水/other-banner.jpg', '雁江镇/六/blank-banner.jpg']) expect(dup(f).status).toBe('pass');
    expect(links('临江镇/节水护水/other-banner.jpg')).toContainEqual(expect.objectContaining({ file: '雁江镇/四/original.jpg', distance: 0, otherText: true }));
    expect(photos.get('临江镇/节水护水/other-banner.jpg')!.verdict).toBe('pass'); // 临江镇's own banner: the photo passes every rule
    expect(dup('临江镇/节水护水/different.jpg')).toMatchObject({ status: 'pass', messageId: 'unique' });
  }, 240_000);
});
