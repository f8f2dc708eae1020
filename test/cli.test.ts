// The CLI as a user runs it: the fixture tree end to end, usage errors, and proof that nothing reaches the network.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/report.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'photocheck.js');
const cache = mkdtempSync(join(tmpdir(), 'pc-cli-cache-'));

function run(args: string[], opts: { trace?: string } = {}) {
  const cmd = opts.trace ? 'strace' : process.execPath;
  const argv = opts.trace ? ['-f', '-qq', '-e', 'trace=connect', '-o', opts.trace, process.execPath, bin, ...args] : [bin, ...args];
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** connect() calls to IPv4/IPv6 addresses seen by strace (local Unix sockets are not the network). */
function networkConnects(traceFile: string): string[] {
  return readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter((l) => /connect\(.*AF_INET6?\b/.test(l));
}

describe('photocheck check fixtures/tree', () => {
  let report: Report;
  let traceFile: string;
  let result: ReturnType<typeof run>;

  beforeAll(() => {
    traceFile = join(mkdtempSync(join(tmpdir(), 'pc-trace-')), 'connect.trace');
    result = run(['check', 'fixtures/tree', '--format', 'json', '--cache', cache], { trace: traceFile });
    report = JSON.parse(result.stdout) as Report;
  });

  const photo = (unit: string, file: string) =>
    report.units.find((u) => u.unit.id === unit)!.activities.flatMap((a) => a.photos).find((p) => p.file.endsWith(file))!;

  it('exits 0 and reports both units with progress on stderr', () => {
    expect(result.code).toBe(0);
    expect(report.units.map((u) => u.unit.id)).toEqual(['雁江镇', '临江镇']);
    expect(result.stderr).toContain('检查 7/7');
  });

  it('gives every photo the verdict it was made for, with the reason', () => {
    expect(photo('雁江镇', 'banner-pass.jpg').verdict).toBe('pass');
    const few = photo('雁江镇', 'banner-few-people.jpg');
    expect(few.verdict).toBe('fail');
    expect(few.rules.find((r) => r.id === 'participants')!.message.zh).toMatch(/^检测到 1\d 人，要求不少于 20 人$/);
    expect(photo('雁江镇', 'blurred.jpg').rules.find((r) => r.id === 'sharpness')!.status).toBe('fail');
    expect(photo('雁江镇', 'no-text.jpg').rules.find((r) => r.id === 'theme-banner')!.messageId).toBe('noText');
    expect(photo('临江镇', 'banner-other-theme.jpg').verdict).toBe('pass');
    expect(photo('临江镇', 'banner-pass.jpg').rules.find((r) => r.id === 'theme-banner')!.messageId).toBe('otherActivity');
  });

  it('reports a file that is not an image as an error and goes on', () => {
    const bad = photo('雁江镇', 'not-an-image.jpg');
    expect(bad.verdict).toBe('error');
    expect(bad.error!.code).toBe('PC_ERR_NOT_IMAGE');
  });

  it('has the documented JSON shape', () => {
    const p = photo('雁江镇', 'banner-pass.jpg');
    expect(Object.keys(report)).toEqual(['campaign', 'generatedAt', 'submittedAt', 'reviewItems', 'units']);
    expect(report).toMatchObject({ submittedAt: null, campaign: { deadline: '2023-03-25T00:00:00+08:00' } }); // no --submitted-at: not known
    expect(p.autoVerdict).toBe(p.verdict);
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.people.faces[0]).toMatchObject({ box: { x: expect.any(Number), y: expect.any(Number), width: expect.any(Number), height: expect.any(Number) }, score: expect.any(Number) });
    expect(p.text.lines[0]).toMatchObject({ text: expect.any(String), score: expect.any(Number) });
    expect(p.rules[0]).toMatchObject({ id: 'sharpness', status: 'pass', message: { zh: expect.any(String), en: expect.any(String) } });
    expect(p.rules.map((r) => r.id)).toEqual(['sharpness', 'theme-banner', 'participants', 'uniform', 'capture-date', 'duplicate']);
    // 临江镇 filed the same bytes; the banner names 雁江镇, so this is the original and 临江镇's copy fails (with a link here).
    const dup = p.rules.find((r) => r.id === 'duplicate')!;
    expect(dup).toMatchObject({ status: 'pass', messageId: 'original' });
    expect(dup.evidence.matches).toContainEqual(expect.objectContaining({ file: '临江镇/节水护水/banner-pass.jpg', unit: '临江镇', distance: 0, mirrored: false }));
    expect(photo('临江镇', 'banner-pass.jpg').rules.find((r) => r.id === 'duplicate')).toMatchObject({ status: 'fail', messageId: 'copy' });
    const uniform = p.rules.find((r) => r.id === 'uniform')!;
    expect(uniform).toMatchObject({ status: 'pass', value: expect.any(Number), evidence: { faces: expect.any(Array), uniformed: expect.any(Array) } });
    expect(p.rules.find((r) => r.id === 'capture-date')).toMatchObject({ status: 'pass', value: '2023-03-18T10:30:00' });
    const yanjiang = report.units[0]!;
    expect(yanjiang.activities.find((a) => a.activity.id === '四')!.status).toBe('pass');
    expect(yanjiang.activities.find((a) => a.activity.id === '一')!.status).toBe('missing');
  });

  it('never reaches the network (every thread, native code included)', () => {
    const trace = readFileSync(traceFile, 'utf8');
    expect(trace.length).toBeGreaterThan(0); // strace did run and wrote its log
    expect(networkConnects(traceFile)).toEqual([]);
  });

  it('reuses cached analyses and renders the table in English', () => {
    // 7 files: one is not an image, and banner-pass.jpg is in both units (same bytes, analysed once).
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(5);
    const en = run(['check', 'fixtures/tree', '--lang', 'en', '--cache', cache, '--quiet']);
    expect(en.code).toBe(0);
    expect(en.stderr).toBe('');
    expect(en.stdout).toContain('■ Linjiang Town');
    expect(en.stdout).toMatch(/✗ fail\s+雁江镇\/四\/no-text\.jpg/);
    expect(en.stdout).toContain('No text found in the photo');
    expect(en.stdout).toContain('The photo has no capture time (EXIF)'); // no-text.jpg: capture date to review
  });
});

describe('the network check itself', () => {
  it('sees a connect attempt when one is made', () => {
    const traceFile = join(mkdtempSync(join(tmpdir(), 'pc-trace-')), 'connect.trace');
    // A closed port on loopback: the attempt is refused locally, nothing leaves the machine.
    spawnSync('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', traceFile, process.execPath, '-e', "require('net').connect(9, '127.0.0.1').on('error', () => {})"]);
    expect(networkConnects(traceFile).length).toBeGreaterThan(0);
  });
});

describe('usage errors', () => {
  it('exits 2 and lists the units for an unknown unit folder, before any work', () => {
    const tree = mkdtempSync(join(tmpdir(), 'pc-tree-'));
    mkdirSync(join(tree, '东江镇', '四'), { recursive: true });
    copyFileSync(join(root, 'fixtures/images/small.jpg'), join(tree, '东江镇', '四', 'a.jpg'));
    const r = run(['check', tree]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('东江镇');
    expect(r.stderr).toContain('雁江镇');
    expect(run(['check', 'fixtures']).stderr).toContain('<unit>/<activity>/photos'); // loose files at the top
  });

  it('exits 2 for a bad flag value, a missing path and single files without --unit', () => {
    expect(run(['check', 'fixtures/tree', '--format', 'xml']).code).toBe(2);
    const missing = run(['check', 'no/such/folder', '--lang', 'en']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('does not exist')]);
    expect(run(['check', 'fixtures/images/banner-pass.jpg']).stderr).toContain('--unit');
  });

  it('checks single files given with --unit and --activity by number', () => {
    const r = run(['check', 'fixtures/images/rotated-exif.jpg', '--unit', '雁江镇', '--activity', '4', '--format', 'json', '--quiet', '--cache', cache]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.units[0]!.activities.find((a) => a.activity.id === '四')!.photos[0]!.verdict).toBe('pass');
  });
});
