// checkPhoto on real generated photos with the real engines: each fixture gets the verdict it was made for.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAnalyser } from '../src/analysis/analyse.ts';
import { findActivity, findUnit, loadCampaign } from '../src/campaign/load.ts';
import { checkPhoto, type PhotoResult } from '../src/check/check-photo.ts';

const campaign = loadCampaign();
const analyser = new LocalAnalyser();
const yanjiang4 = { campaign, unit: findUnit(campaign, '雁江镇'), activity: findActivity(campaign, '四') };
const linjiang6 = { campaign, unit: findUnit(campaign, '临江镇'), activity: findActivity(campaign, '六') };

const results = new Map<string, PhotoResult>();
async function check(name: string, ctx = yanjiang4): Promise<PhotoResult> {
  const key = `${name}|${ctx.unit.id}`;
  if (!results.has(key)) {
    const bytes = readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
    results.set(key, await checkPhoto(name, bytes, ctx, analyser));
  }
  return results.get(key)!;
}
const rule = (r: PhotoResult, id: string) => r.rules.find((x) => x.id === id)!;
const statuses = (r: PhotoResult) => Object.fromEntries(r.rules.map((x) => [x.id, `${x.status}:${x.messageId}`]));

beforeAll(async () => {
  await check('banner-pass.jpg'); // loads the models once
});
afterAll(() => analyser.dispose());

describe('checkPhoto on generated photos (real models)', () => {
  it('passes the photo made to meet every rule, with the evidence', async () => {
    const r = await check('banner-pass.jpg');
    expect(r.verdict).toBe('pass');
    expect(r.people.count).toBe(22);
    expect(rule(r, 'theme-banner').evidence.textLines?.[0]?.text).toBe('雁江镇关爱一老一小志愿服务活动');
    expect(r.image).toEqual({ width: 3000, height: 2000, capturedAt: '2023-03-18T10:30:00' });
    // 21 of 22 in red vests: the front woman of sample 5 sits at the bottom edge, her vest out of the picture.
    expect(rule(r, 'uniform')).toMatchObject({ status: 'pass', messageId: 'uniformed', value: 21 });
    expect(rule(r, 'uniform').evidence.uniformed).toHaveLength(21);
    expect(rule(r, 'capture-date')).toMatchObject({ status: 'pass', messageId: 'inWindow' });
  });

  it('fails only participants when 13 people are in the picture (no EXIF: capture date to review)', async () => {
    const r = await check('banner-few-people.jpg');
    expect(statuses(r)).toEqual({
      sharpness: 'pass:sharp',
      'theme-banner': 'pass:found',
      participants: 'fail:tooFew',
      uniform: 'pass:uniformed',
      'capture-date': 'review:noExif',
      duplicate: 'pass:notChecked', // one photo on its own: duplicates are looked for across a batch or the service
    });
    expect(r.people.count).toBeLessThanOrEqual(13);
    expect(r.people.count).toBeGreaterThanOrEqual(11);
  });

  it('never passes 18 people, and fails the missing theme', async () => {
    // 18 faces; at the 1920 px working size the weakest face (score ≈ 0.5) may be missed: review or fail.
    const r = await check('group-18.jpg');
    expect(r.people.count).toBeGreaterThanOrEqual(17);
    expect(r.people.count).toBeLessThanOrEqual(18);
    expect(rule(r, 'participants').status).not.toBe('pass');
    // No text, or only a stray letter: PP-OCR scores a box over its text's own pixels (issue 6) and then reads the
    // lace-up sleeve of the front woman as "A" (0.67).
    expect(['fail:noText', 'fail:noKeyword']).toContain(statuses(r)['theme-banner']);
  });

  it('fails a red banner without text, and a photo of another activity', async () => {
    expect(statuses(await check('no-text.jpg'))).toEqual({
      sharpness: 'pass:sharp',
      'theme-banner': 'fail:noText',
      participants: 'pass:enough',
      uniform: 'pass:uniformed',
      'capture-date': 'review:noExif',
      duplicate: 'pass:notChecked', // one photo on its own: duplicates are looked for across a batch or the service
    });
    expect(rule(await check('banner-other-theme.jpg'), 'theme-banner').messageId).toBe('otherActivity');
  });

  it('passes the other-theme photo for the unit and activity it belongs to', async () => {
    expect((await check('banner-other-theme.jpg', linjiang6)).verdict).toBe('pass');
  });

  it('never passes theme text too small to read', async () => {
    const r = rule(await check('banner-tiny.jpg'), 'theme-banner');
    expect(r.status).not.toBe('pass');
  });

  it('fails the blurred and the shaken copy where the original passes sharpness', async () => {
    expect(rule(await check('blurred.jpg'), 'sharpness')).toMatchObject({ status: 'fail', messageId: 'blurred' });
    expect(rule(await check('motion-blurred.jpg'), 'sharpness')).toMatchObject({ status: 'fail', messageId: 'motion' });
    expect(rule(await check('banner-pass.jpg'), 'sharpness').status).toBe('pass');
  });

  it('fails photos too small to judge and too dark', async () => {
    expect(rule(await check('small.jpg'), 'sharpness')).toMatchObject({ status: 'fail', messageId: 'tooSmall' });
    expect(rule(await check('dark.jpg'), 'sharpness')).toMatchObject({ status: 'fail', messageId: 'tooDark' });
  });

  it('honours EXIF orientation and reads the capture time', async () => {
    const r = await check('rotated-exif.jpg');
    expect(r.verdict).toBe('pass');
    expect(r.image).toEqual({ width: 3000, height: 2000, capturedAt: '2023-03-18T10:30:00' });
  });

  it('never passes the uniform for people in their own clothes, a few of them red', async () => {
    // group-22 and group-18 are banner-pass's people without vests: two wear red or orange-red dresses.
    for (const name of ['group-22.jpg', 'group-18.jpg']) {
      const u = rule(await check(name), 'uniform');
      expect(u.status, name).not.toBe('pass');
      expect(u.value, name).toBeLessThanOrEqual(2);
    }
  });

  it('counts most of the 44 small faces of a 12 MP group photo', async () => {
    // 41–67 px faces at 4000 px become 20–33 px at the 1920 px working size: measured 39 of 44.
    // A whole-image detector finds about 4 (fixtures/README.md); npm run eval tracks the miss rate.
    const r = await check('group-44-small.jpg');
    expect(r.people.count).toBeGreaterThanOrEqual(38);
    expect(r.people.count).toBeLessThanOrEqual(44);
    expect(rule(r, 'participants').status).toBe('pass');
  });

  it('turns a file that is not an image into an error result, not an exception', async () => {
    const r = await check('not-an-image.jpg');
    expect(r.verdict).toBe('error');
    expect(r.error?.code).toBe('PC_ERR_NOT_IMAGE');
    expect(r.error?.message.zh).toContain('不是图片文件');
  });
});
