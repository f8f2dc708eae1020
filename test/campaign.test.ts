import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activitiesOf, defaultCampaignFile, findActivity, findUnit, loadCampaign, parseCampaign } from '../src/campaign/load.ts';
import { PhotocheckError } from '../src/errors/catalogue.ts';

const raw = () => JSON.parse(readFileSync(defaultCampaignFile, 'utf8'));

function errorOf(fn: () => unknown): PhotocheckError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhotocheckError) return e;
    throw e;
  }
  throw new Error('expected a PhotocheckError');
}

describe('campaign', () => {
  const c = loadCampaign();

  it('encodes the 2023 notice: 13 units, eight activities, deadline 25 March, 20 people', () => {
    expect(c.notice.ref).toBe('资临空发〔2023〕17号');
    expect(c.activities.map((a) => a.id)).toEqual(['一', '二', '三', '四', '五', '六', '七', '八']);
    expect(new Date(c.deadline).toISOString()).toBe('2023-03-24T16:00:00.000Z');
    expect((c.rules.participants as { min: number }).min).toBe(20);
    expect(c.collector).toBe('党群工作部');
  });

  it('knows who is responsible for what (责任单位)', () => {
    expect(activitiesOf(c, findUnit(c, '市场监管分局')).map((a) => a.id)).toEqual(['三', '八']);
    expect(activitiesOf(c, findUnit(c, '雁江镇')).map((a) => a.id)).toEqual(['一', '二', '三', '四', '五', '六', '七', '八']);
    expect(activitiesOf(c, findUnit(c, '区妇联')).map((a) => a.id)).toEqual(['四']);
  });

  it('finds an activity by number, Chinese numeral, short name or full name', () => {
    for (const q of ['6', '六', '节水护水', '“节水护水”志愿服务活动', '"节水护水"志愿服务活动']) expect(findActivity(c, q).id).toBe('六');
  });

  it('rejects an unknown activity or unit with the choices', () => {
    const e = errorOf(() => findActivity(c, '九'));
    expect(e.code).toBe('PC_ERR_UNKNOWN_ACTIVITY');
    expect(e.messageIn('zh')).toContain('六 节水护水');
    expect(errorOf(() => findUnit(c, '东江镇')).messageIn('en')).toContain('雁江镇');
  });

  it('names the bad field of an invalid campaign', () => {
    const bad = raw();
    bad.activities[3].responsible.push('东江镇');
    expect(errorOf(() => parseCampaign(bad, 'x.json')).messageIn('en')).toMatch(/activities\.3\.responsible\.5: unknown unit "东江镇"/);
    const badRule = raw();
    badRule.rules.participants = { min: 'twenty' };
    expect(errorOf(() => parseCampaign(badRule)).messageIn('zh')).toContain('rules.participants.min');
    const unknownRule = raw();
    unknownRule.rules['face-mask'] = {};
    expect(errorOf(() => parseCampaign(unknownRule)).message).toContain('rules.face-mask: unknown rule');
    const noDeadlineZone = raw();
    noDeadlineZone.deadline = '2023-03-25';
    expect(errorOf(() => parseCampaign(noDeadlineZone)).message).toContain('deadline');
  });

  it('loads another campaign file and reports unreadable or non-JSON files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-campaign-'));
    const next = raw();
    next.id = 'next-year';
    next.rules.participants = { min: 30 };
    writeFileSync(join(dir, 'next.json'), JSON.stringify(next));
    expect((loadCampaign(join(dir, 'next.json')).rules.participants as { min: number }).min).toBe(30);
    writeFileSync(join(dir, 'broken.json'), '{ "id": ');
    expect(errorOf(() => loadCampaign(join(dir, 'broken.json'))).message).toContain('not valid JSON');
    expect(errorOf(() => loadCampaign(join(dir, 'missing.json'))).code).toBe('PC_ERR_CAMPAIGN_INVALID');
  });

  it('is frozen once loaded', () => {
    expect(Object.isFrozen(c.rules.participants)).toBe(true);
  });
});
