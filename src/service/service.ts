// The service's use cases, shared by the HTTP routes and the tests: submit a version, its progress, reports, re-check.
//
// Analyses come from the workers (returned through Redis, stored in SQLite by src/queue/results.ts, by sha256 +
// analysis version). Verdicts are made here with judge() —
// the same rules as `photocheck check` — per unit and activity, kept in SQLite per campaign content, and made
// again (never re-analysed) when the campaign's thresholds change.
import { analysisVersion as versionOf, type AnalyserOptions } from '../analysis/analyse.ts';
import { isLate } from '../campaign/deadline.ts';
import { activitiesOf, findActivity, findUnit, loadCampaign } from '../campaign/load.ts';
import type { Campaign } from '../campaign/schema.ts';
import { errorResult, judge, type PhotoResult } from '../check/check-photo.ts';
import { withReview, type Review } from '../check/review.ts';
import { duplicateRadius } from '../duplicates/find.ts';
import { PhotocheckError, errorCatalogue, type ErrorCode } from '../errors/catalogue.ts';
import type { Message } from '../i18n/messages.ts';
import type { AnalysisQueue } from '../queue/producer.ts';
import { buildReport, type ActivityChanges, type ChangedPhoto, type CheckedPhoto, type Report } from '../report/report.ts';
import type { Received } from '../store/photo-store.ts';
import { duplicateFinder, type DuplicateFinder } from '../store/duplicates.ts';
import type { Store, Submission, SubmissionPhoto, Token } from '../store/store.ts';
import { sha256 } from '../util/hash.ts';
import { planVersion, type SubmitMode } from './plan.ts';

export type PhotoState = 'queued' | 'scored' | 'failed';

export interface PhotoStatus {
  file: string;
  sha256: string;
  change: SubmissionPhoto['change'];
  state: PhotoState;
  /** Present once scored or failed. */
  result?: PhotoResult;
}

export interface SubmissionStatus {
  submission: { id: number; unit: string; activity: string; version: number; submittedAt: string; late: boolean };
  /** queued: waiting for analysis · scored: analysed and judged · failed: the photo could not be analysed. */
  progress: { total: number; queued: number; scored: number; failed: number };
  /** True when no photo is queued: the report for this version is complete. */
  done: boolean;
  photos: { file: string; change: SubmissionPhoto['change']; state: PhotoState; verdict?: PhotoResult['verdict'] }[];
}

export interface SubmitResult {
  submission: SubmissionStatus['submission'];
  photos: number;
  /** Contents sent to the workers (new or changed photos without an analysis). */
  queued: number;
  /** Photos whose analysis already existed (unchanged, or the same content seen before). */
  reused: number;
  added: string[];
  replaced: string[];
  removed: string[];
}

/** Collector's overview: per unit, which assigned activities are covered, missing, failing, late. */
export interface Overview {
  deadline: string;
  units: {
    unit: string;
    covered: string[];
    review: string[];
    failing: string[];
    missing: string[];
    late: { activity: string; version: number; submittedAt: string }[];
    pending: number;
  }[];
}

export interface ServiceOptions {
  store: Store;
  /** The queue; null runs the service read-only for analyses (nothing new gets analysed). */
  queue: AnalysisQueue | null;
  /** Campaign file; re-read by recheck(). Default: the 2023 notice. */
  campaignFile?: string;
  /** Engines; must match the workers'. */
  analyser?: AnalyserOptions;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Key of a campaign's content: results are reused only under exactly the same units, activities and thresholds. */
export function campaignKey(c: Campaign): string {
  return `${c.version}:${sha256(JSON.stringify(c)).slice(0, 12)}`;
}

const unitDisplay = (file: string, unit: string, activity: string) => `${unit}/${activity}/${file}`;

function reasonsOf(r: PhotoResult): Message[] {
  if (r.error) return [r.error.message];
  return r.rules.filter((x) => x.status !== 'pass').map((x) => x.message);
}

export class PhotocheckService {
  readonly store: Store;
  readonly queue: AnalysisQueue | null;
  readonly analysisVersion: string;
  private campaignValue: Campaign;
  private key: string;
  private readonly campaignFile?: string;
  private readonly now: () => Date;
  private lastRequeue = new Map<number, number>();

  constructor(o: ServiceOptions) {
    this.store = o.store;
    this.queue = o.queue;
    this.campaignFile = o.campaignFile;
    this.campaignValue = loadCampaign(o.campaignFile);
    this.key = campaignKey(this.campaignValue);
    this.analysisVersion = versionOf(o.analyser);
    this.now = o.now ?? (() => new Date());
  }

  get campaign(): Campaign {
    return this.campaignValue;
  }

  /** Canonical unit id (accepts aliases and English names); PC_ERR_UNKNOWN_UNIT otherwise. */
  unitId(unit: string): string {
    return findUnit(this.campaign, unit).id;
  }

  activityId(activity: string): string {
    return findActivity(this.campaign, activity).id;
  }

  // ── submit ──────────────────────────────────────────────────────────────────────────────────────────────
  /**
   * Store a new version of a unit's photos for an activity and queue what has no analysis yet. The received
   * files are moved into the photo store. Throws PC_ERR_QUEUE_UNAVAILABLE (after storing) when Redis refuses.
   */
  async submit(s: { unit: string; activity: string; uploads: { file: string; received: Received }[]; mode: SubmitMode; remove?: string[]; token: Token | null }): Promise<SubmitResult> {
    const unit = this.unitId(s.unit);
    const activity = this.activityId(s.activity);
    const previous = this.store.latestSubmission(this.campaign.id, unit, activity);
    if (s.uploads.length === 0 && (!previous || (s.remove ?? []).length === 0)) {
      throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: 'files: upload at least one photo (or name photos to remove from an earlier version)' });
    }
    const plan = planVersion(previous ? this.store.submissionPhotos(previous.id) : [], s.uploads.map((u) => ({ file: u.file, sha256: u.received.sha256 })), {
      mode: s.mode,
      remove: s.remove,
    });
    for (const u of s.uploads) {
      this.store.photos.commit(u.received);
      this.store.addPhoto(u.received.sha256, u.received.bytes);
    }
    const submittedAt = this.now();
    const submission = this.store.createSubmission(
      {
        unit,
        activity,
        campaignId: this.campaign.id,
        analysisVersion: this.analysisVersion,
        submittedAt: submittedAt.toISOString(),
        late: isLate(this.campaign, submittedAt),
        tokenId: s.token?.id ?? null,
      },
      plan.photos,
    );
    const toQueue = this.store.unanalysed(this.analysisVersion, submission.id);
    await this.enqueue(toQueue, submission.id);
    const of = (c: SubmissionPhoto['change']) => plan.photos.filter((p) => p.change === c).map((p) => p.file);
    const pendingFiles = new Set(toQueue);
    return {
      submission: this.info(submission),
      photos: plan.photos.length,
      queued: toQueue.length,
      reused: plan.photos.filter((p) => !pendingFiles.has(p.sha256)).length,
      added: of('added'),
      replaced: of('replaced'),
      removed: plan.removed,
    };
  }

  private async enqueue(shas: string[], submissionId: number): Promise<void> {
    if (shas.length === 0) return;
    if (!this.queue) throw new PhotocheckError('PC_ERR_QUEUE_UNAVAILABLE', { submission: submissionId, reason: 'the service runs without a queue' });
    try {
      await this.queue.enqueue(shas, this.analysisVersion);
      this.lastRequeue.set(submissionId, Date.now());
    } catch (err) {
      throw new PhotocheckError('PC_ERR_QUEUE_UNAVAILABLE', { submission: submissionId, reason: (err as Error).message }, { cause: err });
    }
  }

  /** Queue every stored photo without a final analysis (after a restart or a Redis outage). Returns how many. */
  async requeuePending(): Promise<number> {
    const shas = this.store.unanalysed(this.analysisVersion);
    if (shas.length > 0 && this.queue) await this.queue.enqueue(shas, this.analysisVersion);
    return shas.length;
  }

  private info(s: Submission): SubmitResult['submission'] {
    return { id: s.id, unit: s.unit, activity: s.activity, version: s.version, submittedAt: s.submittedAt, late: s.late };
  }

  // ── progress ────────────────────────────────────────────────────────────────────────────────────────────
  /**
   * Each photo of a version with its state, judged (and the automatic verdict kept) as soon as its analysis exists;
   * a reviewer's decision, if any, is its verdict. With `file`, only that photo (each photo is judged on its own:
   * its analysis, its review and its own look-alikes).
   */
  photoStatuses(s: Submission, file?: string): PhotoStatus[] {
    const unit = findUnit(this.campaign, s.unit);
    const activity = findActivity(this.campaign, s.activity);
    const reviews = this.store.reviews(s.id);
    const radius = duplicateRadius(this.campaign);
    let finder: DuplicateFinder | undefined;
    const photos = this.store.submissionPhotos(s.id);
    return (file === undefined ? photos : photos.filter((p) => p.file === file)).map((p): PhotoStatus => {
      const base = { file: p.file, sha256: p.sha256, change: p.change };
      const display = unitDisplay(p.file, s.unit, s.activity);
      const kept = this.store.getResult(s.id, p.file, this.key);
      if (kept) return { ...base, state: kept.verdict === 'error' ? 'failed' : 'scored', result: withReview(kept, reviews.get(p.file)) };
      const a = this.store.getAnalysis(p.sha256, s.analysisVersion);
      if (!a) return { ...base, state: 'queued' };
      let result: PhotoResult;
      let keep = true;
      if (a.status === 'done') {
        if (radius !== null) finder ??= duplicateFinder(this.store, s, radius);
        result = judge(display, a.analysis, { campaign: this.campaign, unit, activity, duplicates: finder?.of(p.file, a.analysis) });
        keep = finder?.complete ?? true; // not kept while a photo submitted earlier is still being analysed
      } else if (a.status === 'error') {
        const code = (a.error.code in errorCatalogue ? a.error.code : 'PC_ERR_ANALYSIS_FAILED') as ErrorCode;
        result = errorResult(display, p.sha256, new PhotocheckError(code, a.error.data ?? { reason: a.error.message.en }));
      } else {
        // An infrastructure failure that outlived its retries: shown, not kept (it is queued again on the next submission).
        return { ...base, state: 'failed', result: errorResult(display, p.sha256, new PhotocheckError('PC_ERR_ANALYSIS_FAILED', { reason: a.error.reason })) };
      }
      if (keep) this.store.putResult(s.id, p.file, this.key, result);
      return { ...base, state: result.verdict === 'error' ? 'failed' : 'scored', result: withReview(result, reviews.get(p.file)) };
    });
  }

  /** One photo of a version with its state (as in photoStatuses), or undefined when the version has no such file. */
  photoStatus(s: Submission, file: string): PhotoStatus | undefined {
    return this.photoStatuses(s, file)[0];
  }

  /** A submission's progress; re-queues its waiting photos at most every 10 s in case their job was lost. */
  async status(id: number): Promise<SubmissionStatus | undefined> {
    const s = this.store.submission(id);
    if (!s || s.campaignId !== this.campaign.id) return undefined;
    const photos = this.photoStatuses(s);
    const queued = photos.filter((p) => p.state === 'queued');
    if (queued.length > 0 && this.queue && Date.now() - (this.lastRequeue.get(id) ?? 0) > 10_000) {
      this.lastRequeue.set(id, Date.now());
      await this.queue.enqueue([...new Set(queued.map((p) => p.sha256))], s.analysisVersion).catch(() => {});
    }
    const count = (st: PhotoState) => photos.filter((p) => p.state === st).length;
    return {
      submission: this.info(s),
      progress: { total: photos.length, queued: count('queued'), scored: count('scored'), failed: count('failed') },
      done: queued.length === 0,
      photos: photos.map((p) => ({ file: p.file, change: p.change, state: p.state, verdict: p.result?.verdict })),
    };
  }

  // ── reports ─────────────────────────────────────────────────────────────────────────────────────────────
  private changes(current: Submission, now: PhotoStatus[]): ActivityChanges | null {
    const prev = this.store.version(current.campaignId, current.unit, current.activity, current.version - 1);
    if (!prev || current.version === 1) return null;
    const before = new Map(this.photoStatuses(prev).map((p) => [p.file, p]));
    const display = (f: string) => unitDisplay(f, current.unit, current.activity);
    const entry = (p: PhotoStatus): ChangedPhoto => {
      const e: ChangedPhoto = { file: display(p.file) };
      if (p.result) e.verdict = p.result.verdict;
      if (p.result && p.result.verdict !== 'pass') e.reasons = reasonsOf(p.result);
      return e;
    };
    const failing = (p?: PhotoStatus) => p?.result?.verdict === 'fail' || p?.result?.verdict === 'error';
    const files = new Set(now.map((p) => p.file));
    return {
      sinceVersion: prev.version,
      added: now.filter((p) => p.change === 'added').map(entry),
      replaced: now.filter((p) => p.change === 'replaced').map(entry),
      removed: [...before.values()].filter((p) => !files.has(p.file)).map((p) => ({ file: display(p.file), ...(p.result ? { verdict: p.result.verdict } : {}) })),
      newlyPassing: now.filter((p) => p.result?.verdict === 'pass' && before.get(p.file)?.result?.verdict !== 'pass').map(entry),
      stillFailing: now.filter((p) => failing(p) && failing(before.get(p.file))).map(entry),
      newlyFailing: now.filter((p) => failing(p) && !failing(before.get(p.file))).map(entry),
    };
  }

  /**
   * The report over the latest version of each (unit, activity): the same shape as `photocheck check --format
   * json`, plus each activity's submission (late, pending) and its changes since the previous version.
   */
  report(opts: { unit?: string } = {}): Report {
    const unit = opts.unit === undefined ? undefined : this.unitId(opts.unit);
    const latest = this.store.latestSubmissions(this.campaign.id, unit);
    const checked: CheckedPhoto[] = [];
    const extra = new Map<string, { s: Submission; pending: number; changes: ActivityChanges | null }>();
    for (const s of latest) {
      const photos = this.photoStatuses(s);
      for (const p of photos) if (p.result) checked.push({ unit: s.unit, activity: s.activity, result: p.result });
      extra.set(`${s.unit}|${s.activity}`, { s, pending: photos.filter((p) => p.state === 'queued').length, changes: this.changes(s, photos) });
    }
    const report = buildReport(this.campaign, checked, { allUnits: true, now: this.now() });
    report.units = report.units.filter((u) => unit === undefined || u.unit.id === unit);
    for (const u of report.units) {
      // An activity submitted with every photo still pending has no photos yet, but is not missing.
      const submittedOnly = latest.filter((s) => s.unit === u.unit.id && !u.activities.some((a) => a.activity.id === s.activity));
      for (const s of submittedOnly) {
        const a = this.campaign.activities.find((x) => x.id === s.activity)!;
        u.activities.push({ activity: { id: a.id, number: a.number, name: a.name }, responsible: false, status: 'missing', photos: [] });
      }
      u.activities.sort((x, y) => x.activity.number - y.activity.number);
      for (const a of u.activities) {
        const e = extra.get(`${u.unit.id}|${a.activity.id}`);
        if (!e) continue;
        a.late = e.s.late;
        a.submission = { id: e.s.id, version: e.s.version, submittedAt: e.s.submittedAt, late: e.s.late, pending: e.pending };
        a.changes = e.changes;
      }
      u.late = u.activities.some((a) => a.late === true);
    }
    return report;
  }

  /** The collector's overview: every unit, with what is covered, failing, missing and late. */
  overview(): Report & { overview: Overview } {
    const report = this.report();
    const units = report.units.map((u) => {
      const assigned = new Set(activitiesOf(this.campaign, findUnit(this.campaign, u.unit.id)).map((a) => a.id));
      const ids = (f: (a: (typeof u.activities)[number]) => boolean) => u.activities.filter(f).map((a) => a.activity.id);
      return {
        unit: u.unit.id,
        covered: ids((a) => a.status === 'pass'),
        review: ids((a) => a.status === 'review'),
        failing: ids((a) => a.status === 'fail'),
        missing: ids((a) => assigned.has(a.activity.id) && !a.submission),
        late: u.activities.filter((a) => a.submission?.late).map((a) => ({ activity: a.activity.id, version: a.submission!.version, submittedAt: a.submission!.submittedAt })),
        pending: u.activities.reduce((n, a) => n + (a.submission?.pending ?? 0), 0),
      };
    });
    return { ...report, overview: { deadline: this.campaign.deadline, units } };
  }

  // ── reviews ─────────────────────────────────────────────────────────────────────────────────────────────
  /** A scored photo of a submission, to be reviewed: PC_ERR_NOT_FOUND when there is none, PC_ERR_NOT_REVIEWABLE while queued or unreadable. */
  private reviewable(id: number, file: string): { s: Submission; photo: PhotoStatus } {
    const s = this.store.submission(id);
    const photo = s && s.campaignId === this.campaign.id ? this.photoStatus(s, file) : undefined;
    if (!s || !photo) throw new PhotocheckError('PC_ERR_NOT_FOUND', { what: { zh: `提交 ${id} 中的照片 ${file}`, en: `photo ${file} of submission ${id}` } });
    if (photo.state !== 'scored') {
      const reason = photo.state === 'queued' ? { zh: '还在排队检查，请检查完成后再复核', en: 'is still being checked: review it once it is scored' } : { zh: '无法读取（出错），请让单位重新提交原图', en: 'could not be read (error): ask the unit to submit the original' };
      throw new PhotocheckError('PC_ERR_NOT_REVIEWABLE', { file, submission: id, reason });
    }
    return { s, photo };
  }

  /**
   * Record a reviewer's decision on a photo of a submission (the route lets only the collector's token do this): it
   * becomes the photo's verdict in every report, the automatic one kept as autoVerdict. Returns the photo as reported.
   */
  review(id: number, file: string, d: { decision: Review['decision']; note: string }, token: Token): PhotoResult {
    const { s, photo } = this.reviewable(id, file);
    const by = token.label ?? `${token.unit ?? this.campaign.collector} #${token.id}`;
    const review: Review = { decision: d.decision, note: d.note, by, at: this.now().toISOString() };
    this.store.putReview(s.id, file, photo.sha256, review, token.id);
    return withReview(photo.result!, review); // as the store reads it back: the same four strings
  }

  /** Remove the decision on a photo: the automatic verdict counts again. */
  unreview(id: number, file: string): { removed: boolean; photo: PhotoResult } {
    const { s, photo } = this.reviewable(id, file);
    const removed = this.store.deleteReview(s.id, file);
    return { removed, photo: withReview(photo.result!, undefined) };
  }

  // ── re-check ────────────────────────────────────────────────────────────────────────────────────────────
  /**
   * Re-read the campaign file (new thresholds) and judge every stored version again with the stored analyses.
   * Nothing is analysed again; photos still without an analysis are queued again.
   */
  async recheck(): Promise<{ campaign: { id: string; version: string }; changed: boolean; submissions: number; photos: number; analysed: 0; queued: number }> {
    const next = loadCampaign(this.campaignFile);
    const changed = campaignKey(next) !== this.key;
    this.campaignValue = next;
    this.key = campaignKey(next);
    let photos = 0;
    const all = this.store.db.prepare<[string], { id: number }>('SELECT id FROM submissions WHERE campaign_id = ?').all(next.id);
    for (const { id } of all) photos += this.photoStatuses(this.store.submission(id)!).length;
    const queued = await this.requeuePending().catch(() => 0);
    return { campaign: { id: next.id, version: next.version }, changed, submissions: all.length, photos, analysed: 0, queued };
  }
}
