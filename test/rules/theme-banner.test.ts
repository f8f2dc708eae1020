import { describe, expect, it } from 'vitest';
import themeBanner from '../../src/rules/theme-banner.ts';
import { analysis, ctx, line } from '../helpers/analysis.ts';

describe('rule theme-banner (主题突出、直观体现主题关键词)', () => {
  const check = (lines: ReturnType<typeof line>[], unit = '雁江镇', activity = '四') =>
    themeBanner.check(analysis({ text: lines }), ctx(themeBanner, unit, activity));

  it('passes the notice example banner and shows the matched line as evidence', () => {
    const r = check([line('雁江镇关爱一老一小志愿服务活动')]);
    expect([r.status, r.messageId]).toEqual(['pass', 'found']);
    expect(r.evidence.textLines?.[0]?.matched).toBe('关爱一老一小');
  });

  it('tolerates one OCR slip in a long keyword, full-width punctuation and quotes', () => {
    expect(check([line('雁江镇“关爱一老—小”志愿服务活动')]).status).toBe('pass'); // 一 read as a dash
    expect(check([line('关爱一老一小 志愿服务')]).status).toBe('pass');
  });

  it('finds a keyword split across two neighbouring lines', () => {
    const r = check([line('雁江镇关爱一', 60, 0.95, 100), line('老一小志愿服务活动', 60, 0.95, 170)]);
    expect(r.status).toBe('pass');
  });

  it('fails a photo without text', () => {
    expect([check([]).status, check([]).messageId]).toEqual(['fail', 'noText']);
  });

  it('fails text without any keyword and quotes what was read', () => {
    const r = check([line('欢迎光临')]);
    expect([r.status, r.messageId]).toEqual(['fail', 'noKeyword']);
    expect(r.data.sample).toContain('欢迎光临');
  });

  it('fails a banner of another activity', () => {
    const r = check([line('临江镇节水护水志愿服务活动')]);
    expect([r.status, r.messageId]).toEqual(['fail', 'otherActivity']);
    expect(r.data.otherActivity).toMatchObject({ zh: expect.stringContaining('节水护水') });
  });

  it('sends a generic volunteer banner without the theme to review', () => {
    const r = check([line('雁江镇学雷锋志愿服务')]);
    expect([r.status, r.messageId]).toEqual(['review', 'genericOnly']);
  });

  it('fails theme text too small to read in the photo', () => {
    const r = check([line('雁江镇关爱一老一小志愿服务活动', 10)]); // 10 px on a 2000 px short side
    expect([r.status, r.messageId]).toEqual(['fail', 'tooSmall']);
  });

  it('asks for review when the banner names another unit', () => {
    const r = check([line('临江镇关爱一老一小志愿服务活动')]);
    expect([r.status, r.messageId, r.data.otherUnit]).toEqual(['review', 'foundOtherUnit', '临江镇']);
  });

  it('requires short keywords exactly and ignores unsure lines', () => {
    expect(check([line('义珍活动')], '社会事务局', '七').status).toBe('fail'); // 义诊 misread
    expect(check([line('义诊活动')], '社会事务局', '七').status).toBe('pass');
    expect(check([line('雁江镇关爱一老一小志愿服务活动', 60, 0.3)]).messageId).toBe('noText');
  });

  it('sends a weak match to review', () => {
    const r = check([line('关爱一者一少')]); // 2 of 6 characters wrong: similarity 0.67
    expect([r.status, r.messageId]).toEqual(['review', 'weakMatch']);
  });
});
