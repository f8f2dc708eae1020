// The web pages in a real browser (Debian's chromium through playwright-core) against the real service, Redis and a
// real worker process: a unit signs in, uploads fixture photos, reads the report with evidence pictures, resubmits
// and sees what changed; the collector opens the overview, downloads the workbook and reviews a photo.
// Screenshots (desktop and phone) go to test-output/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisQueue } from '../src/queue/producer.ts';
import { ResultCollector } from '../src/queue/results.ts';
import { buildServer } from '../src/server/app.ts';
import { PhotocheckService } from '../src/service/service.ts';
import { Store } from '../src/store/store.ts';
import { CliProcess, root } from './helpers/processes.ts';
import { dropPrefix, redisUrl, requireRedis, uniquePrefix } from './helpers/redis.ts';

const Y = '雁江镇';
const images = join(root, 'fixtures', 'images');
const shots = join(root, 'test-output', 'screenshots');
const desktop = { width: 1280, height: 900 };
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const prefix = uniquePrefix('web-browser');
const data = mkdtempSync(join(tmpdir(), 'pc-web-browser-'));
let store: Store;
let queue: AnalysisQueue;
let results: ResultCollector;
let app: FastifyInstance;
let worker: CliProcess;
let browser: Browser;
let base: string;
const tokens = { collector: '', unit: '' };

async function signIn(context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/'), page.click('form.signin button[type=submit]')]);
  return page;
}

/** Every evidence picture on the page, scrolled into view (they load lazily), has loaded with pixels. */
async function evidenceLoaded(page: Page): Promise<number> {
  const imgs = page.locator('article.photo img');
  const n = await imgs.count();
  for (let i = 0; i < n; i++) {
    const img = imgs.nth(i);
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
  }
  return n;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await requireRedis();
  mkdirSync(shots, { recursive: true });
  store = new Store(data);
  queue = await AnalysisQueue.open({ redisUrl, prefix });
  const service = new PhotocheckService({ store, queue });
  results = await ResultCollector.start({ queue, store, versions: [service.analysisVersion], interval: 200 });
  app = await buildServer({ service, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  tokens.collector = store.createToken({ role: 'collector' }).token;
  tokens.unit = store.createToken({ role: 'unit', unit: Y }).token;
  worker = new CliProcess(['worker', '--data', data, '--prefix', prefix, '--concurrency', '1'], { REDIS_URL: redisUrl });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  await worker.waitFor((e) => e.event === 'ready', 180_000, 'worker ready');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  worker?.kill('SIGKILL');
  await app?.close();
  await results?.close();
  await queue?.obliterate().catch(() => {});
  await queue?.close();
  await dropPrefix(prefix);
  store?.close();
  rmSync(data, { recursive: true, force: true });
});

describe('web pages in chromium', () => {
  it('a unit uploads photos, sees progress, reads the report with evidence pictures and reasons, resubmits and sees the changes', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'zh-CN' });
    const page = await signIn(context, tokens.unit);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/units/${Y}`);
    // The token is in an HttpOnly cookie: not readable by page scripts.
    expect(await page.evaluate(() => document.cookie)).not.toContain('photocheck_token');
    await shot(page, 'unit-empty-desktop');

    await page.selectOption('select[name=activity]', '四');
    await page.setInputFiles('input[type=file]', ['banner-pass.jpg', 'banner-few-people.jpg'].map((f) => join(images, f)));
    await expect.poll(() => page.textContent('.chosen')).toContain('已选 2 张照片');
    const statuses: string[] = [];
    await page.exposeFunction('recordStatus', (s: string) => statuses.push(s));
    await page.evaluate(() => {
      const el = document.querySelector('.upload .status')!;
      new MutationObserver(() => (window as unknown as { recordStatus(s: string): void }).recordStatus(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#upload button[type=submit]');
    await page.waitForURL(/v=1#act-/, { timeout: 300_000 });
    // Both progress stages were shown: the upload (XHR progress) and the checking (polled submission status).
    expect(statuses.some((s) => s.startsWith('正在上传'))).toBe(true);
    expect(statuses.some((s) => /正在检查：已完成 \d \/ 2 张/.test(s))).toBe(true);

    expect(await evidenceLoaded(page)).toBe(2);
    const text = (await page.textContent('main'))!;
    expect(text).toMatch(/检测到 \d+ 人，要求不少于 20 人/);
    expect(text).toContain('怎么改');
    expect(await page.locator('article.photo[data-file="banner-pass.jpg"] .badge.pass').count()).toBe(1);
    expect(await page.locator('article.photo[data-file="banner-few-people.jpg"] .badge.fail').count()).toBe(1);
    await shot(page, 'unit-report-desktop');

    // Resubmit by dragging files onto the drop zone: one replaced (18 people, no banner: still failing), one added.
    const files = [
      { name: 'banner-few-people.jpg', bytes: readFileSync(join(images, 'group-18.jpg')).toString('base64') },
      { name: 'group-44.jpg', bytes: readFileSync(join(images, 'group-44-small.jpg')).toString('base64') },
    ];
    const dt = await page.evaluateHandle((list) => {
      const d = new DataTransfer();
      for (const f of list) d.items.add(new File([Uint8Array.from(atob(f.bytes), (c) => c.charCodeAt(0))], f.name, { type: 'image/jpeg' }));
      return d;
    }, files);
    await page.dispatchEvent('.drop', 'drop', { dataTransfer: dt });
    await expect.poll(() => page.textContent('.chosen')).toContain('已选 2 张照片');
    await page.selectOption('select[name=activity]', '四');
    await page.click('#upload button[type=submit]');
    await page.waitForURL(/v=2#act-/, { timeout: 300_000 });
    const changes = (await page.textContent('#act-四 .changes'))!;
    expect(changes).toContain('与第 1 版相比');
    expect(changes).toMatch(/仍不合格（1）\s*banner-few-people\.jpg — /);
    expect(changes).toMatch(/新不合格（1）\s*group-44\.jpg — /);
    expect(changes).toMatch(/新增（1）\s*group-44\.jpg/);
    expect(changes).toMatch(/已替换（1）\s*banner-few-people\.jpg/);
    expect(await evidenceLoaded(page)).toBe(3);
    await shot(page, 'unit-resubmitted-desktop');

    // The same page on a phone: no horizontal scrolling, the evidence picture fits the screen.
    const small = await browser.newContext({ ...phone, locale: 'zh-CN' });
    const p2 = await signIn(small, tokens.unit);
    await p2.goto(`${base}/units/${encodeURIComponent(Y)}#act-四`);
    expect(await p2.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await evidenceLoaded(p2);
    expect(await p2.locator('article.photo img').first().evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(390);
    await shot(p2, 'unit-report-phone');
    // English switch.
    await p2.click('header a.lang');
    expect(await p2.textContent('main')).toMatch(/\d+ people found, at least 20 required/);
    await shot(p2, 'unit-report-phone-en');
    await small.close();
    await context.close();
  }, 600_000);

  it('the collector sees the overview, downloads the workbook, reviews a photo and sees the queue', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'zh-CN', acceptDownloads: true });
    const page = await signIn(context, tokens.collector);
    expect(new URL(page.url()).pathname).toBe('/overview');
    const row = page.locator('table.matrix tbody tr', { has: page.locator(`th a:text-is("${Y}")`) });
    expect(await row.locator('td.pass').first().textContent()).toContain('合格');
    expect(await row.locator('td.missing').count()).toBeGreaterThan(0);
    await shot(page, 'overview-desktop');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/exports/report.xlsx"]')]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const [overview, photos] = wb.worksheets;
    const overviewRows = overview!.getSheetValues().filter(Array.isArray).map((r) => Array.from(r.slice(1), (v) => String(v ?? '')));
    const yRow = overviewRows.find((r) => r[0] === Y)!.join('|'); // every upload here is after the 2023 deadline: 合格（逾期）
    expect(yRow).toMatch(/\|合格/);
    expect(yRow).toContain('|未提交');
    const photoText = JSON.stringify(photos!.getSheetValues());
    expect(photoText).toContain('group-44.jpg');
    expect(photoText).toMatch(/检测到 \d+ 人，要求不少于 20 人/);

    // Drill down to the unit, and override a verdict with a note.
    await page.click(`table.matrix th a:text-is("${Y}")`);
    const card = page.locator('article.photo[data-file="group-44.jpg"]');
    await card.locator('input[value=pass]').check();
    await card.locator('textarea[name=note]').fill('横幅在画面外，现场照片另附');
    await Promise.all([page.waitForEvent('load'), card.locator('.review-form button[type=submit]').click()]);
    const reviewed = page.locator('article.photo[data-file="group-44.jpg"]');
    expect(await reviewed.locator('.reviewed').textContent()).toContain('横幅在画面外');
    expect(await reviewed.locator('h3 .badge').textContent()).toBe('合格');
    await shot(page, 'collector-unit-review-desktop');

    const phonePage = await signIn(await browser.newContext({ ...phone, locale: 'zh-CN' }), tokens.collector);
    await phonePage.goto(`${base}/overview`);
    await shot(phonePage, 'overview-phone');
    await phonePage.context().close();

    await page.goto(`${base}/queue`);
    expect(await page.textContent('.counts')).toContain('已完成分析');
    await shot(page, 'queue-desktop');
    await context.close();
  }, 300_000);
});
