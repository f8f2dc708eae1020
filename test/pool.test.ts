import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { LocalAnalyser } from '../src/analysis/analyse.ts';
import { coreSplit, ThreadPoolAnalyser } from '../src/analysis/pool.ts';
import type { Analysis } from '../src/analysis/types.ts';
import type { PhotocheckError } from '../src/errors/catalogue.ts';

describe('coreSplit: how a thread pool shares the cores', () => {
  it('runs one photo per core by default, each photo on one onnxruntime thread', () => {
    expect(coreSplit(undefined, 2)).toEqual({ threads: 2, ortThreads: 1 });
    expect(coreSplit(undefined, 8)).toEqual({ threads: 8, ortThreads: 1 });
  });

  it('shares the cores out when fewer photos run at once (--jobs 1 uses both cores for one photo)', () => {
    expect(coreSplit(1, 2)).toEqual({ threads: 1, ortThreads: 2 });
    expect(coreSplit(3, 8)).toEqual({ threads: 3, ortThreads: 2 });
  });

  it('never gives a thread less than one core, even with more threads than cores', () => {
    expect(coreSplit(4, 2)).toEqual({ threads: 4, ortThreads: 1 });
    expect(coreSplit(undefined, 0)).toEqual({ threads: 1, ortThreads: 1 });
  });
});

describe('ThreadPoolAnalyser: a photo on its own is split across two threads', () => {
  const photos = ['fixtures/images/banner-pass.jpg', 'fixtures/images/group-22.jpg', 'fixtures/images/not-an-image.jpg'];

  it('gives the same analysis split (one photo at a time) as whole (photos waiting) and as in this thread', async () => {
    const bytes = await Promise.all(photos.map((f) => readFile(f)));
    const local = new LocalAnalyser();
    const pool = new ThreadPoolAnalyser({ threads: 2 });
    try {
      const strip = ({ timings: _t, ...a }: Analysis) => a;
      const settle = (p: Promise<Analysis>) => p.then(strip, (e: PhotocheckError) => e.code);
      const inThread = [];
      for (const b of bytes) inThread.push(await settle(local.analyse(b)));
      const alone = [];
      for (const b of bytes) alone.push(await settle(pool.analyse(b)));
      expect(pool.sent).toEqual({ whole: 0, split: 3 });
      const together = await Promise.all(bytes.map((b) => settle(pool.analyse(b))));
      expect(pool.sent.whole).toBeGreaterThanOrEqual(2);
      expect(inThread[0]).toMatchObject({ text: expect.arrayContaining([expect.objectContaining({ text: expect.stringContaining('志愿服务') })]) });
      expect((inThread[1] as Omit<Analysis, 'timings'>).faces.length).toBeGreaterThanOrEqual(20);
      expect(inThread[2]).toBe('PC_ERR_NOT_IMAGE');
      expect(alone).toEqual(inThread);
      expect(together).toEqual(inThread);
    } finally {
      await pool.close();
      await local.dispose();
    }
  }, 120_000);

  it('reports the stage times of the thread that found the faces; one thread or split: false never splits', async () => {
    const pool = new ThreadPoolAnalyser({ threads: 2 });
    const one = new ThreadPoolAnalyser({ threads: 1 });
    const off = new ThreadPoolAnalyser({ threads: 2, split: false });
    try {
      const bytes = await readFile('fixtures/images/banner-pass.jpg');
      const a = await pool.analyse(bytes);
      expect(pool.sent).toEqual({ whole: 0, split: 1 });
      expect(a.timings).toMatchObject({ text: expect.any(Number), faces: expect.any(Number), uniform: expect.any(Number) });
      expect(a.timings.faces).toBeGreaterThan(0);
      expect(a.faces.length).toBeGreaterThan(0);
      await one.analyse(bytes);
      await off.analyse(bytes);
      // Two photos handed over together: each thread takes one whole, neither is split to hold up the other.
      await Promise.all([pool.analyse(bytes), pool.analyse(bytes)]);
      expect(pool.sent).toEqual({ whole: 2, split: 1 });
      expect(one.sent).toEqual({ whole: 1, split: 0 });
      expect(off.sent).toEqual({ whole: 1, split: 0 });
    } finally {
      await Promise.all([pool.close(), one.close(), off.close()]);
    }
  }, 120_000);
});

describe('ThreadPoolAnalyser: a thread that dies', () => {
  it('fails the photo it was working on, split or whole, and the pool carries on with new threads', async () => {
    const pool = new ThreadPoolAnalyser({ threads: 2 });
    const threads = () => (pool as unknown as { all: import('node:worker_threads').Worker[] }).all;
    try {
      const bytes = await readFile('fixtures/images/banner-pass.jpg');
      const warm = await pool.analyse(bytes); // both threads up (split)
      expect(threads()).toHaveLength(2);
      // Split again, then kill the thread finding the faces while it works: the photo fails with the reason.
      const dying = pool.analyse(bytes);
      await new Promise((r) => setTimeout(r, 50));
      await threads()[0]!.terminate();
      await expect(dying).rejects.toThrow(/exited/);
      // The other half's late answer is ignored; the next photos are analysed as before, the dead thread replaced.
      const again = await pool.analyse(bytes);
      expect(again.faces).toEqual(warm.faces);
      expect(again.text).toEqual(warm.text);
      expect(threads()).toHaveLength(2);
      expect(pool.sent.split + pool.sent.whole).toBe(3); // the third split or not: the other half may still be running
    } finally {
      await pool.close();
    }
  }, 120_000);
});
