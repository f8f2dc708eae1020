// The service's records in SQLite: photos, analyses (by sha256 + analysis version), versioned submissions, results, tokens.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Analysis } from '../analysis/types.ts';
import type { PhotoResult } from '../check/check-photo.ts';
import type { Review } from '../check/review.ts';
import type { Message } from '../i18n/messages.ts';
import { sha256 } from '../util/hash.ts';
import { recordHash } from './duplicates.ts';
import { openDatabase } from './migrate.ts';
import { PhotoStore } from './photo-store.ts';

export type AnalysisRecord =
  | { status: 'done'; analysis: Analysis; worker: string | null; durationMs: number | null }
  | { status: 'error'; error: { code: string; message: Message; data?: Record<string, unknown> }; worker: string | null; durationMs: number | null }
  | { status: 'failed'; error: { reason: string }; worker: string | null; durationMs: number | null };

export type PhotoChange = 'added' | 'replaced' | 'unchanged';

export interface SubmissionPhoto {
  file: string;
  sha256: string;
  change: PhotoChange;
}

export interface Submission {
  id: number;
  unit: string;
  activity: string;
  version: number;
  campaignId: string;
  analysisVersion: string;
  submittedAt: string;
  late: boolean;
  tokenId: number | null;
}

/** An analysis that failed for infrastructure reasons, with (up to 5 of) the submissions holding the photo. */
export interface FailedAnalysis {
  sha256: string;
  reason: string;
  at: string;
  uses: { unit: string; activity: string; file: string; submissionId: number }[];
}

export type Role = 'unit' | 'collector';

export interface Token {
  id: number;
  role: Role;
  unit: string | null;
  label: string | null;
  createdAt: string;
}

interface SubmissionRow {
  id: number;
  unit: string;
  activity: string;
  version: number;
  campaign_id: string;
  analysis_version: string;
  submitted_at: string;
  late: number;
  token_id: number | null;
}

const toSubmission = (r: SubmissionRow): Submission => ({
  id: r.id,
  unit: r.unit,
  activity: r.activity,
  version: r.version,
  campaignId: r.campaign_id,
  analysisVersion: r.analysis_version,
  submittedAt: r.submitted_at,
  late: r.late === 1,
  tokenId: r.token_id,
});

/** Tokens are shown once, when created; only their sha256 is stored. */
export const hashToken = (token: string): string => sha256(token);

export class Store {
  readonly db: Database.Database;
  readonly photos: PhotoStore;

  /** Opens `<dataDir>/photocheck.db` (migrating it) and the photo store `<dataDir>/photos`. */
  constructor(readonly dataDir: string) {
    this.db = openDatabase(join(dataDir, 'photocheck.db'));
    this.photos = new PhotoStore(dataDir);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ── photos ──────────────────────────────────────────────────────────────────────────────────────────────
  addPhoto(sha: string, bytes: number): void {
    this.db.prepare('INSERT OR IGNORE INTO photos (sha256, bytes, stored_at) VALUES (?, ?, ?)').run(sha, bytes, new Date().toISOString());
  }

  // ── analyses ────────────────────────────────────────────────────────────────────────────────────────────
  getAnalysis(sha: string, version: string): AnalysisRecord | undefined {
    const row = this.db
      .prepare<[string, string], { status: AnalysisRecord['status']; analysis: string | null; error: string | null; worker: string | null; duration_ms: number | null }>(
        'SELECT status, analysis, error, worker, duration_ms FROM analyses WHERE sha256 = ? AND version = ?',
      )
      .get(sha, version);
    if (!row) return undefined;
    const meta = { worker: row.worker, durationMs: row.duration_ms };
    if (row.status === 'done') return { status: 'done', analysis: JSON.parse(row.analysis!) as Analysis, ...meta };
    if (row.status === 'error') return { status: 'error', error: JSON.parse(row.error!) as { code: string; message: Message; data?: Record<string, unknown> }, ...meta };
    return { status: 'failed', error: JSON.parse(row.error!) as { reason: string }, ...meta };
  }

  /**
   * Record an analysis outcome. A `done` or `error` record is final and never overwritten (the same content
   * always gives the same result); a `failed` one (infrastructure) is replaced by whatever comes next.
   * Returns whether this call wrote the record.
   */
  putAnalysis(sha: string, version: string, record: AnalysisRecord): boolean {
    // The hash first: once an analysis is visible, so is its entry in the duplicate index.
    if (record.status === 'done' && record.analysis.phash) recordHash(this.db, sha, record.analysis.phash);
    const analysis = record.status === 'done' ? JSON.stringify(record.analysis) : null;
    const error = record.status === 'done' ? null : JSON.stringify(record.error);
    const r = this.db
      .prepare(
        `INSERT INTO analyses (sha256, version, status, analysis, error, worker, duration_ms, analysed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sha256, version) DO UPDATE SET status = excluded.status, analysis = excluded.analysis, error = excluded.error,
           worker = excluded.worker, duration_ms = excluded.duration_ms, analysed_at = excluded.analysed_at
         WHERE analyses.status = 'failed'`,
      )
      .run(sha, version, record.status, analysis, error, record.worker, record.durationMs, new Date().toISOString());
    return r.changes > 0;
  }

  /** Number of analysis records (any status) under a version: what the workers have computed. */
  countAnalyses(version: string): number {
    return this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM analyses WHERE version = ?').get(version)!.n;
  }

  /** Contents whose analysis failed for infrastructure reasons (retries used up) under a version, with where they were submitted. */
  failedAnalyses(version: string): FailedAnalysis[] {
    const rows = this.db
      .prepare<[string], { sha256: string; error: string; analysed_at: string }>(
        "SELECT sha256, error, analysed_at FROM analyses WHERE version = ? AND status = 'failed' ORDER BY analysed_at DESC",
      )
      .all(version);
    const uses = this.db.prepare<[string], FailedAnalysis['uses'][number]>(
      `SELECT s.unit, s.activity, p.file, s.id AS submissionId FROM submission_photos p JOIN submissions s ON s.id = p.submission_id
       WHERE p.sha256 = ? ORDER BY s.id DESC LIMIT 5`,
    );
    return rows.map((r) => ({ sha256: r.sha256, reason: (JSON.parse(r.error) as { reason: string }).reason, at: r.analysed_at, uses: uses.all(r.sha256) }));
  }

  // ── submissions ─────────────────────────────────────────────────────────────────────────────────────────
  /** Insert the next version of (campaign, unit, activity) with its full photo set, atomically. */
  createSubmission(s: Omit<Submission, 'id' | 'version'>, photos: SubmissionPhoto[]): Submission {
    return this.db
      .transaction(() => {
        const { v } = this.db
          .prepare<[string, string, string], { v: number }>('SELECT coalesce(max(version), 0) AS v FROM submissions WHERE campaign_id = ? AND unit = ? AND activity = ?')
          .get(s.campaignId, s.unit, s.activity)!;
        const r = this.db
          .prepare(
            'INSERT INTO submissions (unit, activity, version, campaign_id, analysis_version, submitted_at, late, token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(s.unit, s.activity, v + 1, s.campaignId, s.analysisVersion, s.submittedAt, s.late ? 1 : 0, s.tokenId);
        const id = Number(r.lastInsertRowid);
        const insert = this.db.prepare('INSERT INTO submission_photos (submission_id, file, sha256, change) VALUES (?, ?, ?, ?)');
        for (const p of photos) insert.run(id, p.file, p.sha256, p.change);
        this.carryReviews(s.campaignId, s.unit, s.activity, v, id);
        return this.submission(id)!;
      })
      .immediate();
  }

  submission(id: number): Submission | undefined {
    const row = this.db.prepare<[number], SubmissionRow>('SELECT * FROM submissions WHERE id = ?').get(id);
    return row && toSubmission(row);
  }

  submissionPhotos(id: number): SubmissionPhoto[] {
    return this.db.prepare<[number], SubmissionPhoto>('SELECT file, sha256, change FROM submission_photos WHERE submission_id = ? ORDER BY file').all(id);
  }

  /** The latest version of each (unit, activity) of a campaign, optionally of one unit. */
  latestSubmissions(campaignId: string, unit?: string): Submission[] {
    const rows = this.db
      .prepare<[{ campaignId: string; unit: string | null }], SubmissionRow>(
        `SELECT s.* FROM submissions s
         WHERE s.campaign_id = @campaignId AND (@unit IS NULL OR s.unit = @unit)
           AND s.version = (SELECT max(version) FROM submissions t WHERE t.campaign_id = s.campaign_id AND t.unit = s.unit AND t.activity = s.activity)
         ORDER BY s.unit, s.activity`,
      )
      .all({ campaignId, unit: unit ?? null });
    return rows.map(toSubmission);
  }

  latestSubmission(campaignId: string, unit: string, activity: string): Submission | undefined {
    return this.version(campaignId, unit, activity);
  }

  /** A given version (default: the latest) of (campaign, unit, activity). */
  version(campaignId: string, unit: string, activity: string, version?: number): Submission | undefined {
    const row = this.db
      .prepare<[{ campaignId: string; unit: string; activity: string; version: number | null }], SubmissionRow>(
        `SELECT * FROM submissions WHERE campaign_id = @campaignId AND unit = @unit AND activity = @activity
           AND (@version IS NULL OR version = @version) ORDER BY version DESC LIMIT 1`,
      )
      .get({ campaignId, unit, activity, version: version ?? null });
    return row && toSubmission(row);
  }

  /** Content hashes referenced by any submission that have no final analysis under `version` (to be queued). */
  unanalysed(version: string, submissionId?: number): string[] {
    return this.db
      .prepare<[{ version: string; submission: number | null }], { sha256: string }>(
        `SELECT DISTINCT p.sha256 FROM submission_photos p
         LEFT JOIN analyses a ON a.sha256 = p.sha256 AND a.version = @version
         WHERE (a.status IS NULL OR a.status = 'failed') AND (@submission IS NULL OR p.submission_id = @submission)`,
      )
      .all({ version, submission: submissionId ?? null })
      .map((r) => r.sha256);
  }

  // ── results ─────────────────────────────────────────────────────────────────────────────────────────────
  getResult(submissionId: number, file: string, campaignVersion: string): PhotoResult | undefined {
    const row = this.db
      .prepare<[number, string, string], { result: string }>('SELECT result FROM results WHERE submission_id = ? AND file = ? AND campaign_version = ?')
      .get(submissionId, file, campaignVersion);
    return row && (JSON.parse(row.result) as PhotoResult);
  }

  putResult(submissionId: number, file: string, campaignVersion: string, result: PhotoResult): void {
    this.db
      .prepare(
        `INSERT INTO results (submission_id, file, campaign_version, verdict, result, judged_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (submission_id, file, campaign_version) DO UPDATE SET verdict = excluded.verdict, result = excluded.result, judged_at = excluded.judged_at`,
      )
      .run(submissionId, file, campaignVersion, result.verdict, JSON.stringify(result), new Date().toISOString());
  }

  // ── reviews ─────────────────────────────────────────────────────────────────────────────────────────────
  /** The reviewers' decisions on a submission's photos, by file. */
  reviews(submissionId: number): Map<string, Review> {
    const rows = this.db
      .prepare<[number], { file: string; decision: Review['decision']; note: string; reviewer: string; reviewed_at: string }>(
        'SELECT file, decision, note, reviewer, reviewed_at FROM reviews WHERE submission_id = ?',
      )
      .all(submissionId);
    return new Map(rows.map((r) => [r.file, { decision: r.decision, note: r.note, by: r.reviewer, at: r.reviewed_at }]));
  }

  /** Record (or replace) the decision on a photo of a submission; `sha256` is the content that was looked at. */
  putReview(submissionId: number, file: string, sha256: string, review: Review, tokenId: number | null): void {
    this.db
      .prepare(
        `INSERT INTO reviews (submission_id, file, sha256, decision, note, reviewer, token_id, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (submission_id, file) DO UPDATE SET sha256 = excluded.sha256, decision = excluded.decision, note = excluded.note,
           reviewer = excluded.reviewer, token_id = excluded.token_id, reviewed_at = excluded.reviewed_at`,
      )
      .run(submissionId, file, sha256, review.decision, review.note, review.by, tokenId, review.at);
  }

  /** Remove the decision on a photo; returns whether there was one. */
  deleteReview(submissionId: number, file: string): boolean {
    return this.db.prepare('DELETE FROM reviews WHERE submission_id = ? AND file = ?').run(submissionId, file).changes > 0;
  }

  /** A new version keeps the decisions on photos whose file and content are unchanged; a changed picture needs a new look. */
  private carryReviews(campaignId: string, unit: string, activity: string, previousVersion: number, id: number): void {
    this.db
      .prepare(
        `INSERT INTO reviews (submission_id, file, sha256, decision, note, reviewer, token_id, reviewed_at)
         SELECT @id, r.file, r.sha256, r.decision, r.note, r.reviewer, r.token_id, r.reviewed_at
         FROM reviews r
         JOIN submissions s ON s.id = r.submission_id AND s.campaign_id = @campaignId AND s.unit = @unit AND s.activity = @activity AND s.version = @previousVersion
         JOIN submission_photos p ON p.submission_id = @id AND p.file = r.file AND p.sha256 = r.sha256`,
      )
      .run({ id, campaignId, unit, activity, previousVersion });
  }

  // ── tokens ──────────────────────────────────────────────────────────────────────────────────────────────
  /** Create a token; the returned `token` is the only time it exists in clear. */
  createToken(t: { role: Role; unit?: string; label?: string }): { token: string } & Token {
    const token = `pc_${randomBytes(24).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    const r = this.db
      .prepare('INSERT INTO tokens (hash, role, unit, label, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(hashToken(token), t.role, t.role === 'unit' ? t.unit! : null, t.label ?? null, createdAt);
    return { token, id: Number(r.lastInsertRowid), role: t.role, unit: t.role === 'unit' ? t.unit! : null, label: t.label ?? null, createdAt };
  }

  /** The token with this clear text, unless unknown or revoked. */
  findToken(token: string): Token | undefined {
    const row = this.db
      .prepare<[string], { id: number; role: Role; unit: string | null; label: string | null; created_at: string }>(
        'SELECT id, role, unit, label, created_at FROM tokens WHERE hash = ? AND revoked_at IS NULL',
      )
      .get(hashToken(token));
    return row && { id: row.id, role: row.role, unit: row.unit, label: row.label, createdAt: row.created_at };
  }
}
