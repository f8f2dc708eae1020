// The TextReader contract (src/analysis/types.ts) as one vitest suite, applied to every text engine.
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, TEXT_FIXTURES } from '../../fixtures/make-text-fixtures.ts';
import type { Box, RgbImage, TextLine, TextReader } from '../../src/analysis/types.ts';
import { editDistance } from '../../src/text/match.ts';
import { decodeRgb } from './sample-images.ts';

/** What one engine must read in one text fixture (fixtures/text-images/, ground truth in TEXT_FIXTURES). */
export interface ReadExpectation {
  /** Each expected line must be matched by a returned line with at least this character accuracy. */
  minAccuracy: number;
  /** Phrases that must occur in the returned text (lines joined, spaces removed). */
  keyPhrases?: string[];
  /** Indices of the fixture's lines this engine is held to (default: all of them). */
  only?: number[];
}

export interface TextReaderExpectations {
  /** Per text fixture file name (every fixture with lines must be listed). */
  reads: Record<string, ReadExpectation>;
  /** Highest score any line may have on text-none.jpg, the photo without text. */
  noTextMaxScore: number;
}

/** 1 − edit distance / length of `expected` (by code point, spaces ignored), floored at 0. */
export function charAccuracy(read: string, expected: string): number {
  const a = read.replace(/\s+/g, '');
  const b = expected.replace(/\s+/g, '');
  return Math.max(0, 1 - editDistance(a, b) / [...b].length);
}

/** Asserts the per-result clauses of the contract: boxes in the image, trimmed non-empty text, scores in [0, 1], reading order. */
export function expectTextContract(lines: TextLine[], image: RgbImage): void {
  expect(Array.isArray(lines)).toBe(true);
  for (const { text, box, score } of lines) {
    for (const v of [box.x, box.y, box.width, box.height, score]) expect(Number.isFinite(v)).toBe(true);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.width).toBeGreaterThan(0);
    expect(box.height).toBeGreaterThan(0);
    expect(box.x + box.width).toBeLessThanOrEqual(image.width);
    expect(box.y + box.height).toBeLessThanOrEqual(image.height);
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(text.trim());
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(1);
  }
  for (let i = 1; i < lines.length; i++) expect(inReadingOrder(lines[i - 1]!.box, lines[i]!.box)).toBe(true);
}

/** `a` may come before `b`: same row (vertical overlap > half the smaller height) and not to its right, or above it. */
function inReadingOrder(a: Box, b: Box): boolean {
  const overlap = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (overlap > 0.5 * Math.min(a.height, b.height)) return a.x <= b.x;
  return a.y + a.height / 2 <= b.y + b.height / 2;
}

/** For each expected line, the index of the best-matching returned line and its accuracy. */
function matchLines(lines: TextLine[], expected: string[]): Array<{ index: number; accuracy: number }> {
  return expected.map((truth) => {
    let best = { index: -1, accuracy: 0 };
    lines.forEach((line, index) => {
      const accuracy = charAccuracy(line.text, truth);
      if (accuracy > best.accuracy) best = { index, accuracy };
    });
    return best;
  });
}

/** Fraction of `inner`'s area that lies inside `outer`. */
function fractionInside(inner: Box, outer: Box): number {
  const w = Math.min(inner.x + inner.width, outer.x + outer.width) - Math.max(inner.x, outer.x);
  const h = Math.min(inner.y + inner.height, outer.y + outer.height) - Math.max(inner.y, outer.y);
  return w > 0 && h > 0 ? (w * h) / (inner.width * inner.height) : 0;
}

/** A single centred line painted across `region`: centred on it (±10 % of its width, ± half its height), 70–110 % as wide. */
function expectOnBanner(box: Box, region: Box): void {
  expect(Math.abs(box.x + box.width / 2 - (region.x + region.width / 2))).toBeLessThan(0.1 * region.width);
  expect(Math.abs(box.y + box.height / 2 - (region.y + region.height / 2))).toBeLessThan(0.5 * region.height);
  expect(box.width / region.width).toBeGreaterThan(0.7);
  expect(box.width / region.width).toBeLessThan(1.1);
}

/**
 * The conformance suite for one engine. `factory` is called once; the reader is disposed after.
 * Checks: the contract clauses on every fixture, the expected lines (accuracy, order, position), no confident
 * text on a photo without text, determinism, boxes in pixels of the image passed in (a crop gives the same
 * boxes shifted; reading from a source keeps them), tiny and blank images, and a malformed image refused with a
 * TypeError.
 */
export function describeTextReader(name: string, factory: () => TextReader | Promise<TextReader>, expectations: TextReaderExpectations): void {
  describe(`TextReader conformance: ${name}`, () => {
    let reader: TextReader;
    const images = new Map<string, RgbImage>();
    const results = new Map<string, TextLine[]>();

    beforeAll(async () => {
      reader = await factory();
      for (const fixture of TEXT_FIXTURES) {
        const image = await decodeRgb(join(fixturesDir, fixture.file));
        images.set(fixture.file, image);
        results.set(fixture.file, await reader.read(image));
      }
    });
    afterAll(async () => {
      await reader?.dispose?.();
    });

    it('has a name', () => {
      expect(typeof reader.name).toBe('string');
      expect(reader.name.length).toBeGreaterThan(0);
    });

    it.each(TEXT_FIXTURES.map((f) => ({ file: f.file })))('keeps the contract on $file', ({ file }) => {
      expectTextContract(results.get(file)!, images.get(file)!);
    });

    it.each(TEXT_FIXTURES.filter((f) => f.lines.length > 0).map((f) => ({ file: f.file, fixture: f })))(
      'reads $file',
      ({ file, fixture }) => {
        const expectation = expectations.reads[file];
        expect(expectation, `no expectation for ${file}`).toBeDefined();
        const lines = results.get(file)!;
        const matches = matchLines(lines, expectation!.only?.map((i) => fixture.lines[i]!) ?? fixture.lines);
        const report = `read ${JSON.stringify(lines.map((l) => `${l.text} (${l.score.toFixed(2)})`))}`;
        for (const m of matches) expect(m.accuracy, report).toBeGreaterThanOrEqual(expectation!.minAccuracy);
        // Matched lines come in the order they were painted, and lie (mostly) on the banner or sign.
        for (let i = 1; i < matches.length; i++) expect(matches[i]!.index, report).toBeGreaterThan(matches[i - 1]!.index);
        for (const m of matches) expect(fractionInside(lines[m.index]!.box, fixture.region!), report).toBeGreaterThan(0.6);
        if (fixture.lines.length === 1) expectOnBanner(lines[matches[0]!.index]!.box, fixture.region!);
        const joined = lines.map((l) => l.text.replace(/\s+/g, '')).join('');
        for (const phrase of expectation!.keyPhrases ?? []) expect(joined, report).toContain(phrase);
      },
    );

    it('reads no confident text in a photo without text', () => {
      const empty = TEXT_FIXTURES.find((f) => f.lines.length === 0)!;
      for (const line of results.get(empty.file)!) expect(line.score).toBeLessThanOrEqual(expectations.noTextMaxScore);
    });

    it('gives the same result for the same image', async () => {
      const file = TEXT_FIXTURES[0]!.file;
      expect(await reader.read(images.get(file)!)).toEqual(results.get(file));
    });

    it('returns boxes in pixels of the image passed in', async () => {
      // In a crop around the banner, the banner's line must be found at the banner's place minus the crop offset.
      const fixture = TEXT_FIXTURES.find((f) => f.lines.length > 0)!;
      const full = images.get(fixture.file)!;
      const r = fixture.region!;
      const left = Math.max(0, r.x - 150);
      const top = Math.max(0, r.y - 100);
      const width = Math.min(full.width - left, r.width + 300);
      const height = Math.min(full.height - top, r.height + 400);
      const crop = await decodeRgb(sharp(join(fixturesDir, fixture.file)).extract({ left, top, width, height }));
      const cropLines = await reader.read(crop);
      expectTextContract(cropLines, crop);
      const match = matchLines(cropLines, fixture.lines)[0]!;
      expect(match.index).toBeGreaterThanOrEqual(0);
      const box = cropLines[match.index]!.box;
      expectOnBanner({ ...box, x: box.x + left, y: box.y + top }, r);
    });

    it('finds lines in the image passed in, also when it reads them from a source at another resolution', async () => {
      // A working copy enlarged by 5/4 (as a small photo is), with the photo itself as the source: the source may
      // change what a line reads, not where it is (boxes in the copy's pixels, as without a source).
      const fixture = TEXT_FIXTURES.find((f) => f.lines.length > 1)!;
      const full = images.get(fixture.file)!;
      const copy = await decodeRgb(sharp(join(fixturesDir, fixture.file)).resize(Math.round(full.width * 1.25)));
      const lines = await reader.read(copy, full);
      expectTextContract(lines, copy);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.map((l) => l.box)).toEqual((await reader.read(copy)).map((l) => l.box));
    });

    it.each([
      { label: '1×1', width: 1, height: 1, value: 0 },
      { label: '64×48 white', width: 64, height: 48, value: 255 },
      { label: '2000×20 grey strip', width: 2000, height: 20, value: 128 },
    ])('reads nothing in a $label image without throwing', async ({ width, height, value }) => {
      const image = { data: new Uint8Array(width * height * 3).fill(value), width, height };
      const lines = await reader.read(image);
      expectTextContract(lines, image);
      expect(lines).toEqual([]);
    });

    it('refuses a malformed image with a TypeError', async () => {
      await expect(reader.read({ data: new Uint8Array(10), width: 4, height: 4 })).rejects.toThrow(TypeError);
    });
  });
}
