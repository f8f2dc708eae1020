// Runs the TextReader conformance suite against PP-OCRv4 and tesseract.js (real models, committed fixture images).
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixturesDir, TEXT_FIXTURES } from '../../fixtures/make-text-fixtures.ts';
import { createTextReader } from '../../src/analysis/text/index.ts';
import type { Box, RegionSource } from '../../src/analysis/types.ts';
import { decodeRgb } from './sample-images.ts';
import { describeTextReader } from './text-reader.conformance.ts';

// PP-OCRv4 reads every fixture exactly (scores 0.99+) and nothing in the photo without text. Before issue 6 it read
// the sagging banner not at all (its box score over the arc's rectangle was 0.55 < 0.6; over the arc itself 1.00)
// and put the title of text-sign-block.jpg between the two lines of the block beside it.
describeTextReader('PpOcrReader', () => createTextReader('ppocr'), {
  reads: {
    'text-banner-red.jpg': { minAccuracy: 1, keyPhrases: ['雁江镇关爱一老一小志愿服务活动'] },
    'text-sign-black.jpg': { minAccuracy: 1, keyPhrases: ['新时代文明实践站', '雁江镇志愿服务队'] },
    'text-sign-block.jpg': { minAccuracy: 1, keyPhrases: ['雁江镇人民政府雁江镇志愿服务队关爱一老一小志愿服务活动'] },
    'text-banner-sag.jpg': { minAccuracy: 1, keyPhrases: ['临江镇节水护水志愿服务活动'] },
  },
  noTextMaxScore: 0.5,
});

// tesseract.js chi_sim, PSM 3, measured: banner "[用砍江镇关爱一老一小志愿服务活动" (0.80, score 0.61);
// sign "从新时代文明实践站" (0.875, 0.86) and "雁江镇志愿服务队" (1.00, 0.85); nothing in the photo without text.
describeTextReader('TesseractReader', () => createTextReader('tesseract'), {
  reads: {
    'text-banner-red.jpg': { minAccuracy: 0.75, keyPhrases: ['志愿服务活动'] },
    'text-sign-black.jpg': { minAccuracy: 0.85, keyPhrases: ['雁江镇志愿服务队'] },
    // The block exactly (0.90, 0.89), not the large title beside it; the sagging banner exactly (0.86).
    'text-sign-block.jpg': { minAccuracy: 1, only: [0, 1], keyPhrases: ['雁江镇人民政府雁江镇志愿服务队'] },
    'text-banner-sag.jpg': { minAccuracy: 1, keyPhrases: ['临江镇节水护水志愿服务活动'] },
  },
  noTextMaxScore: 0.5,
});

// Beyond the contract: PP-OCR finds lines in the image passed in and reads them from the source. A copy enlarged
// from a 200 px thumbnail is too soft to read ("商江镇关爱一老一小志图眼务活站", 0.81), but its line is still
// found there, and read from the sharp source exactly.
describe('PpOcrReader with a source', () => {
  it('reads the lines it finds in a soft enlarged copy from the sharp source', async () => {
    const file = join(fixturesDir, 'text-banner-red.jpg');
    const source = await decodeRgb(file);
    const copy = await decodeRgb(sharp(await sharp(file).resize(200).toBuffer()).resize(2400));
    const reader = createTextReader('ppocr');
    try {
      const lines = await reader.read(copy, source);
      expect(lines.map((l) => l.text)).toEqual(['雁江镇关爱一老一小志愿服务活动']);
      const region = TEXT_FIXTURES.find((f) => f.file === 'text-banner-red.jpg')!.region!;
      const { x, width } = lines[0]!.box; // in the copy's pixels: the banner's place, 5/4 as far from the left
      expect(Math.abs(x + width / 2 - 1.25 * (region.x + region.width / 2))).toBeLessThan(0.05 * 1.25 * region.width);
      expect((await reader.read(copy)).map((l) => l.text)).not.toEqual(['雁江镇关爱一老一小志愿服务活动']);
    } finally {
      await reader.dispose?.();
    }
  });

  // What analyse() passes: the photo as a RegionSource, so the 12 MP photo is never held whole during detection
  // (npm run bench: ~90 MB less peak for 2 threads). One region around the lines, the very same lines and scores.
  it('reads from a RegionSource only the region around the lines, with the same result as from the whole source', async () => {
    const file = join(fixturesDir, 'text-sign-black.jpg');
    const source = await decodeRgb(file);
    const copy = await decodeRgb(sharp(file).resize(Math.round(source.width / 2)));
    const asked: Box[] = [];
    const regions: RegionSource = {
      width: source.width,
      height: source.height,
      region: async (box) => {
        asked.push(box);
        const data = new Uint8Array(box.width * box.height * 3);
        for (let j = 0; j < box.height; j++) data.set(source.data.subarray(((box.y + j) * source.width + box.x) * 3, ((box.y + j) * source.width + box.x + box.width) * 3), j * box.width * 3);
        return { data, width: box.width, height: box.height };
      },
    };
    const reader = createTextReader('ppocr');
    try {
      const whole = await reader.read(copy, source);
      expect(whole.length).toBeGreaterThan(1);
      expect(await reader.read(copy, regions)).toEqual(whole);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.width * asked[0]!.height).toBeLessThan(0.5 * source.width * source.height);
      // A source no line needs (the image is the source's size and its one line is thicker than 48 px) is never decoded.
      asked.length = 0;
      const banner = await decodeRgb(join(fixturesDir, 'text-banner-red.jpg'));
      const lines = await reader.read(banner, { ...regions, width: banner.width, height: banner.height });
      expect(lines.map((l) => l.text)).toEqual(['雁江镇关爱一老一小志愿服务活动']);
      expect(lines).toEqual(await reader.read(banner));
      expect(asked).toEqual([]);
    } finally {
      await reader.dispose?.();
    }
  });
});

// Beyond the contract: a line that detection splits in two is read as one. The red banner's line, cut after 雁江镇关爱
// with about a character's width of banner red put in, turned 40° (as on a photo of a phone screen, which read
// "香港深圳抽血，" and "可邮寄" apart, the second after the lines below it): detection finds two boxes, read
// 0.998 "雁江镇关爱" and 0.949 "一老一小志愿服务活动" before mergeSplitLines, 0.978 "雁江镇关爱－一老一小志愿服务活动" with it
// (the gap reads as a dash, punctuation the theme-banner rule ignores); the same for gaps of 65–85 px and turns of 30–50°.
describe('PpOcrReader on a line split in two', () => {
  it('reads both parts as one line', async () => {
    const file = join(fixturesDir, 'text-banner-red.jpg');
    const band = await sharp(file).extract({ left: 330, top: 140, width: 1270, height: 170 }).raw().toBuffer();
    const cut = 522; // between 爱 and 一
    const gap = 75;
    const at = (x: number, y: number) => band.subarray((y * 1270 + x) * 3, (y * 1270 + x) * 3 + 3);
    const [r, g, b] = at(cut, 35); // banner red above the characters
    const part = (left: number, width: number) => sharp(band, { raw: { width: 1270, height: 170, channels: 3 } }).extract({ left, top: 0, width, height: 170 }).png().toBuffer();
    const joined = await sharp({ create: { width: 1270 + gap, height: 170, channels: 3, background: { r: r!, g: g!, b: b! } } })
      .composite([
        { input: await part(0, cut), left: 0, top: 0 },
        { input: await part(cut, 1270 - cut), left: cut + gap, top: 0 },
      ])
      .png()
      .toBuffer();
    const image = await decodeRgb(sharp(await sharp(joined).rotate(40, { background: '#777777' }).png().toBuffer()).resize({ width: 900 }));
    const reader = createTextReader('ppocr');
    try {
      const lines = await reader.read(image);
      expect(lines.map((l) => l.text.replace(/[\s\p{P}\p{S}]/gu, ''))).toEqual(['雁江镇关爱一老一小志愿服务活动']);
    } finally {
      await reader.dispose?.();
    }
  });
});
