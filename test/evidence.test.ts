// Evidence pictures on real fixtures and real analyses: size, no metadata (GPS included), boxes where the faces are, EXIF rotation, no font.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAnalyser } from '../src/analysis/analyse.ts';
import type { Box } from '../src/analysis/types.ts';
import { findActivity, findUnit, loadCampaign } from '../src/campaign/load.ts';
import { checkPhoto, type PhotoResult } from '../src/check/check-photo.ts';
import { renderEvidence } from '../src/evidence/render.ts';

const campaign = loadCampaign();
const analyser = new LocalAnalyser();
const ctx = { campaign, unit: findUnit(campaign, '雁江镇'), activity: findActivity(campaign, '四') };
const fixture = (name: string) => readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));

// rotated-exif (stored 2000×3000 with Orientation 6, DateTimeOriginal, Make, Model) with a GPS position added:
// what a phone sends. Analysed for real, as banner-pass (the same picture stored upright).
let rotated: { bytes: Buffer; result: PhotoResult; picture: Buffer };
let upright: { bytes: Buffer; result: PhotoResult; picture: Buffer };

beforeAll(async () => {
  const gps = await sharp(fixture('rotated-exif.jpg'))
    .keepMetadata()
    .withExifMerge({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 7/1 12/1', GPSLongitudeRef: 'E', GPSLongitude: '104/1 38/1 0/1' } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const r = await checkPhoto('rotated-exif.jpg', gps, ctx, analyser);
  rotated = { bytes: gps, result: r, picture: await renderEvidence(gps, r) };
  const b = fixture('banner-pass.jpg');
  const u = await checkPhoto('banner-pass.jpg', b, ctx, analyser);
  upright = { bytes: b, result: u, picture: await renderEvidence(b, u) };
});
afterAll(() => analyser.dispose());

async function rgb(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * 3;
    return [data[i]!, data[i + 1]!, data[i + 2]!] as const;
  };
  return { info, at };
}

const cyan = ([r, g, b]: readonly number[]) => r! < 110 && g! > 170 && b! > 170;
const lime = ([r, g, b]: readonly number[]) => r! < 150 && g! > 180 && b! < 130;

describe('renderEvidence', () => {
  it('the input really carries EXIF with a GPS position and a rotation', async () => {
    expect(await exifr.gps(rotated.bytes)).toMatchObject({ latitude: 30.12 });
    expect((await sharp(rotated.bytes).metadata()).orientation).toBe(6);
    expect(rotated.result.verdict).toBe('pass');
    expect(rotated.result.people.count).toBeGreaterThanOrEqual(20);
  });

  it('writes a JPEG 1280 px wide, upright (EXIF rotation applied), with a caption band below', async () => {
    const m = await sharp(rotated.picture).metadata();
    expect(m.format).toBe('jpeg');
    expect(m.width).toBe(1280);
    // 3000×2000 shown → 1280×853, then the caption (verdict, five rules, legend) below.
    expect(m.height).toBeGreaterThan(853 + 150);
    expect(m.height).toBeLessThan(853 + 600);
    const small = await sharp(await renderEvidence(rotated.bytes, rotated.result, { longSide: 640 })).metadata();
    expect(small.width).toBe(640);
    expect(small.height).toBeGreaterThan(427);
  });

  it('strips every metadata: no EXIF, GPS, XMP, ICC or orientation', async () => {
    const m = await sharp(rotated.picture).metadata();
    expect(m.exif).toBeUndefined();
    expect(m.xmp).toBeUndefined();
    expect(m.icc).toBeUndefined();
    expect(m.orientation).toBeUndefined();
    expect(await exifr.parse(rotated.picture, true)).toBeUndefined();
    expect(await exifr.gps(rotated.picture)).toBeUndefined();
  });

  it('boxes every counted face where it is: the box edge is drawn, and inside it is the upright photo', async () => {
    const ev = await rgb(rotated.picture);
    const ref = await rgb(await sharp(upright.bytes).resize(1280).toBuffer());
    const k = 1280 / rotated.result.image!.width;
    const scaled = (b: Box) => ({ x: b.x * k, y: b.y * k, w: b.width * k, h: b.height * k });
    let drawn = 0;
    for (const f of rotated.result.people.faces) {
      const b = scaled(f.box);
      if (cyan(ev.at(b.x, b.y + b.h / 2)) || cyan(ev.at(b.x + b.w, b.y + b.h / 2))) drawn++;
      // The middle of the box shows the photo itself, as banner-pass (the same picture, stored upright) has it.
      let diff = 0;
      let n = 0;
      for (let y = b.y + b.h * 0.3; y < b.y + b.h * 0.7; y += 2) {
        for (let x = b.x + b.w * 0.3; x < b.x + b.w * 0.7; x += 2) {
          const [p, q] = [ev.at(x, y), ref.at(x, y)];
          diff += Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]);
          n += 3;
        }
      }
      expect(diff / n).toBeLessThan(12);
    }
    expect(drawn).toBe(rotated.result.people.faces.length);
    // And a stretch of photo away from any face is not painted cyan.
    expect(cyan(ev.at(640, 830))).toBe(false);
  });

  it('outlines the theme text line the rule matched', async () => {
    const line = rotated.result.rules.find((r) => r.id === 'theme-banner')!.evidence.textLines![0]!;
    expect(line.matched).toBe('关爱一老一小');
    const ev = await rgb(rotated.picture);
    const k = 1280 / rotated.result.image!.width;
    const [x, y, w, h] = [line.box.x * k, line.box.y * k, line.box.width * k, line.box.height * k];
    expect(lime(ev.at(x, y + h / 2))).toBe(true);
    expect(lime(ev.at(x + w, y + h / 2))).toBe(true);
    expect(lime(ev.at(x + w / 2, y + h))).toBe(true);
  });

  it('puts the verdict in the caption, and a reviewer decision over the automatic one', async () => {
    const fontSize = Math.round(1280 / 56);
    const pillAt = async (jpeg: Buffer) => (await rgb(jpeg)).at(Math.round(fontSize * 0.6) + 3, 853 + Math.round(fontSize * 0.6) + fontSize * 0.6);
    const green = ([r, g, b]: readonly number[]) => r! < 60 && g! > 100 && b! < 90;
    const red = ([r, g, b]: readonly number[]) => r! > 170 && g! < 80 && b! < 80;
    expect(green(await pillAt(upright.picture))).toBe(true);
    const review = { decision: 'fail' as const, note: '横幅被人遮挡了一半', by: '党群工作部', at: '2023-03-27T09:00:00.000Z' };
    const overridden = await renderEvidence(upright.bytes, { ...upright.result, verdict: 'fail', review });
    expect(red(await pillAt(overridden))).toBe(true);
    // One more line in the caption: the reviewer's.
    const [a, b] = [await sharp(upright.picture).metadata(), await sharp(overridden).metadata()];
    expect(b.height - a.height).toBeGreaterThanOrEqual(Math.round(fontSize * 0.85));
  });

  it('is the same picture for the rotated photo and the upright one', async () => {
    const [a, b] = [await sharp(rotated.picture).metadata(), await sharp(upright.picture).metadata()];
    expect([a.width, a.height]).toEqual([b.width, b.height]);
  });

  it('still draws the boxes when no font is installed (fontconfig with no fonts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'photocheck-nofont-'));
    writeFileSync(join(dir, 'fonts.conf'), `<?xml version="1.0"?>\n<fontconfig><cachedir>${dir}/cache</cachedir></fontconfig>\n`);
    writeFileSync(join(dir, 'result.json'), JSON.stringify(upright.result));
    const script = join(dir, 'render.mts');
    const render = new URL('../src/evidence/render.ts', import.meta.url).href;
    const fixturePath = new URL('../fixtures/images/banner-pass.jpg', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync } from 'node:fs';\nimport { renderEvidence } from '${render}';\n` +
        `const result = JSON.parse(readFileSync('${dir}/result.json', 'utf8'));\n` +
        `writeFileSync('${dir}/out.jpg', await renderEvidence(readFileSync('${fixturePath}'), result));\n`,
    );
    await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') },
    });
    const out = readFileSync(join(dir, 'out.jpg'));
    expect((await sharp(out).metadata()).width).toBe(1280);
    const ev = await rgb(out);
    const f = upright.result.people.faces[0]!.box;
    const k = 1280 / upright.result.image!.width;
    expect(cyan(ev.at(f.x * k, (f.y + f.height / 2) * k))).toBe(true);
  });
});
