// The Report and its table: the items a person must judge, reviewers' decisions over the automatic verdict, and 逾期
// (late) from the campaign's deadline — for `check --submitted-at` as for the service.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLate, localTime, submittedAtInstant, submittedAtSchema } from '../src/campaign/deadline.ts';
import { defaultCampaignFile, findActivity, findUnit, parseCampaign } from '../src/campaign/load.ts';
import { judge } from '../src/check/check-photo.ts';
import { withReview, type Review } from '../src/check/review.ts';
import { activityStatus, buildReport, type CheckedPhoto, type Report } from '../src/report/report.ts';
import { renderTable } from '../src/report/table.ts';
import { analysis, campaign, faces } from './helpers/analysis.ts';
import { bin, root } from './helpers/processes.ts';

const Y = '雁江镇';
const ctx = { campaign, unit: findUnit(campaign, Y), activity: findActivity(campaign, '四') };
const passing = () => judge(`${Y}/四/pass.jpg`, analysis(), ctx);
const failing = () => judge(`${Y}/四/few.jpg`, analysis({ faces: faces(12) }), ctx);
const checked = (...results: ReturnType<typeof passing>[]): CheckedPhoto[] => results.map((result) => ({ unit: Y, activity: '四', result }));
const four = (r: Report) => r.units[0]!.activities.find((a) => a.activity.id === '四')!;
const review: Review = { decision: 'pass', note: '现场整洁，参与者确在开展活动', by: '党群工作部 张三', at: '2023-03-26T10:00:00.000Z' };

describe('items a person must judge', () => {
  it('come from the campaign file, the notice’s tidy scene and real activity among them, in every report', () => {
    const items = campaign.reviewItems;
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items[0]!.zh).toContain('无脏乱差和不文明现象');
    expect(items.some((i) => i.zh.includes('确在开展该活动'))).toBe(true);
    for (const i of items) expect([i.zh.length > 0, i.en.length > 0]).toEqual([true, true]);
    const report = buildReport(campaign, checked(passing()));
    expect(report.reviewItems).toEqual(items);
    const zh = renderTable(report, 'zh');
    expect(zh).toContain('需人工判断');
    for (const [n, i] of items.entries()) expect(zh).toContain(`${n + 1}. ${i.zh}`);
    expect(renderTable(report, 'en')).toContain(`1. ${items[0]!.en}`);
  });

  it('are optional in a campaign file and validated like the rest of it', () => {
    const raw = JSON.parse(readFileSync(defaultCampaignFile, 'utf8'));
    delete raw.reviewItems;
    const none = parseCampaign(raw);
    expect(none.reviewItems).toEqual([]);
    expect(renderTable(buildReport(none, checked(passing())), 'zh')).not.toContain('需人工判断');
    raw.reviewItems = [{ zh: '现场整洁' }];
    expect(() => parseCampaign(raw)).toThrow(/reviewItems\.0\.en/);
  });
});

describe("a reviewer's decision", () => {
  it('becomes the verdict, keeps the automatic one, and moves the activity status and the summary', () => {
    const auto = failing();
    expect([auto.verdict, auto.autoVerdict]).toEqual(['fail', 'fail']);
    const reviewed = withReview(auto, review);
    expect(reviewed).toMatchObject({ verdict: 'pass', autoVerdict: 'fail', review });
    expect(reviewed.rules).toEqual(auto.rules); // the evidence stays
    expect(activityStatus([auto])).toBe('fail');
    const report = buildReport(campaign, checked(reviewed));
    expect(four(report).status).toBe('pass');
    expect(report.units[0]!.summary).toMatchObject({ pass: 1, fail: 0 });
    // A fail overrides a pass; removing the review restores the automatic verdict.
    const overruled = withReview(passing(), { ...review, decision: 'fail', note: '现场有垃圾' });
    expect(buildReport(campaign, checked(overruled)).units[0]!.activities.find((a) => a.activity.id === '四')!.status).toBe('fail');
    expect(withReview(reviewed, undefined)).toMatchObject({ verdict: 'fail', autoVerdict: 'fail' });
    expect(withReview(reviewed, undefined).review).toBeUndefined();
  });

  it('is shown in the table with who, when, the note and the automatic verdict; failed rules stay listed', () => {
    const zh = renderTable(buildReport(campaign, checked(withReview(failing(), review))), 'zh');
    expect(zh).toContain('✓ 合格');
    expect(zh).toContain(`☑ 人工复核：合格（自动判定：不合格）：${review.note} — ${review.by}，2023-03-26 18:00`); // in the deadline's zone
    expect(zh).toMatch(/✗ 参与人数：检测到 12 人/);
    const en = renderTable(buildReport(campaign, checked(withReview(passing(), { ...review, decision: 'fail', note: 'litter' }))), 'en');
    expect(en).toContain('☑ Reviewer: fail (automatic: pass): litter — 党群工作部 张三');
  });
});

describe('逾期 (late) against the campaign deadline', () => {
  it('one rule: at or after the deadline is late; a date alone starts in the deadline’s zone', () => {
    const deadline = Date.parse(campaign.deadline);
    expect(isLate(campaign, new Date(deadline))).toBe(true);
    expect(isLate(campaign, new Date(deadline - 1))).toBe(false);
    expect(submittedAtInstant(campaign, '2023-03-25').toISOString()).toBe('2023-03-24T16:00:00.000Z');
    expect(isLate(campaign, submittedAtInstant(campaign, '2023-03-25'))).toBe(true);
    expect(isLate(campaign, submittedAtInstant(campaign, '2023-03-24'))).toBe(false);
    expect(submittedAtInstant(campaign, '2023-03-24T23:59:00+08:00').toISOString()).toBe('2023-03-24T15:59:00.000Z');
    expect(localTime('2023-03-24T15:59:00.000Z', campaign)).toBe('2023-03-24 23:59');
    for (const bad of ['25/03/2023', '2023-03-24T10:00', '2023-13-45', 'tomorrow']) expect(submittedAtSchema.safeParse(bad).success).toBe(false);
  });

  it('marks the units and their submitted activities in the JSON and the table of check --submitted-at', () => {
    const late = buildReport(campaign, checked(passing()), { submittedAt: submittedAtInstant(campaign, '2023-03-26') });
    expect(late.submittedAt).toBe('2023-03-25T16:00:00.000Z');
    expect(late.units[0]!.late).toBe(true);
    expect(four(late).late).toBe(true);
    expect(late.units[0]!.activities.filter((a) => a.status === 'missing').every((a) => a.late === undefined)).toBe(true);
    const zh = renderTable(late, 'zh');
    expect(zh).toContain('■ 雁江镇【逾期】');
    expect(zh).toMatch(/活动四 .* — 已有合格照片（逾期）/);
    expect(zh).toContain('报送截止：2023-03-25 00:00 前；提交时间：2023-03-26 00:00');
    expect(renderTable(late, 'en')).toMatch(/■ Yanjiang Town \[late\][\s\S]*has a compliant photo \(late\)/);

    const onTime = buildReport(campaign, checked(passing()), { submittedAt: submittedAtInstant(campaign, '2023-03-24') });
    expect([onTime.units[0]!.late, four(onTime).late]).toEqual([false, false]);
    expect(renderTable(onTime, 'zh')).not.toContain('逾期');
  });

  it('says the deadline, and that lateness is not judged, when the submission time is not known', () => {
    const unknown = buildReport(campaign, checked(passing()), { submittedAt: null });
    expect(unknown.submittedAt).toBeNull();
    expect(unknown.units[0]!.late).toBeUndefined();
    expect(four(unknown).late).toBeUndefined();
    const zh = renderTable(unknown, 'zh');
    expect(zh).toContain('报送截止：2023-03-25 00:00 前；提交时间未知，未判断是否逾期（用 --submitted-at 指定）');
    expect(zh).not.toContain('【逾期】');
    expect(Object.keys(unknown)).toEqual(['campaign', 'generatedAt', 'submittedAt', 'reviewItems', 'units']);
    expect(unknown.campaign.deadline).toBe(campaign.deadline);
  });

  it('photocheck check takes --submitted-at and refuses a value that is not a date', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [bin, 'check', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    const bad = run([join('fixtures', 'tree', Y), '--submitted-at', '25/03/2023']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--submitted-at')]);
    const ok = run([join('fixtures', 'tree', Y, '四', 'banner-pass.jpg'), '--unit', Y, '--activity', '4', '--submitted-at', '2023-03-26', '--format', 'json', '--jobs', '1', '--quiet']);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    const report = JSON.parse(ok.stdout) as Report;
    expect(report.submittedAt).toBe('2023-03-25T16:00:00.000Z');
    expect(report.units[0]).toMatchObject({ late: true });
    expect(four(report)).toMatchObject({ late: true, status: 'pass' });
    expect(four(report).photos[0]).toMatchObject({ verdict: 'pass', autoVerdict: 'pass' });
  });
});
