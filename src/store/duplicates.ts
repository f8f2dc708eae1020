// The service's duplicate index: perceptual hashes in SQLite by band (migration 0003), and the look-alikes of a submission's photos.
//
// A photo is compared with the campaign's photos submitted before this unit first submitted it for this activity
// (and with this activity's own earlier versions): the first occurrence of a picture stays clean and later ones
// link to it, so a verdict never changes because of a later upload and results can be kept. They are kept only
// once every photo submitted before is analysed (`complete`): a look-alike still in the queue would be missed for good.
import type Database from 'better-sqlite3';
import { hammingDistance } from '../analysis/phash.ts';
import type { Analysis } from '../analysis/types.ts';
import { matchOf, nearest } from '../duplicates/find.ts';
import { bandNeighbours, bandRadius, bandsOf } from '../duplicates/hash-index.ts';
import type { DuplicateMatch } from '../rules/types.ts';
import type { Store, Submission } from './store.ts';

/** Index a content's hash (idempotent). */
export function recordHash(db: Database.Database, sha256: string, phash: string): void {
  const b = bandsOf(phash);
  db.prepare('INSERT OR REPLACE INTO photo_hashes (sha256, phash, b0, b1, b2, b3) VALUES (?, ?, ?, ?, ?, ?)').run(sha256, phash.toLowerCase(), ...b);
}

/** Stored contents whose hash is within `radius` bits of `phash` (multi-index: each band probed within radius/4). */
export function nearHashes(db: Database.Database, phash: string, radius: number): { sha256: string; distance: number }[] {
  const r = bandRadius(radius);
  const seen = new Map<string, string>();
  bandsOf(phash).forEach((band, i) => {
    const rows = db
      .prepare<[string], { sha256: string; phash: string }>(`SELECT sha256, phash FROM photo_hashes WHERE b${i} IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(bandNeighbours(band, r)));
    for (const row of rows) seen.set(row.sha256, row.phash);
  });
  return [...seen].map(([sha256, h]) => ({ sha256, distance: hammingDistance(phash, h) })).filter((x) => x.distance <= radius);
}

interface OccurrenceRow {
  submissionId: number;
  unit: string;
  activity: string;
  file: string;
  sha256: string;
  analysisVersion: string;
}

/** Look-alikes of a submission's photos among the campaign's photos submitted up to it. */
export interface DuplicateFinder {
  /** Every photo submitted up to this submission in the campaign has its analysis: the answers are final. */
  readonly complete: boolean;
  /** The look-alikes of one of the submission's photos. */
  of(file: string, analysis: Analysis): DuplicateMatch[];
}

export function duplicateFinder(store: Store, s: Submission, radius: number): DuplicateFinder {
  const db = store.db;
  const complete = !db
    .prepare<[string, number], { n: number }>(
      `SELECT 1 AS n FROM submission_photos p JOIN submissions s ON s.id = p.submission_id
       LEFT JOIN analyses a ON a.sha256 = p.sha256 AND a.version = s.analysis_version AND a.status IN ('done', 'error')
       WHERE s.campaign_id = ? AND s.id <= ? AND a.sha256 IS NULL LIMIT 1`,
    )
    .get(s.campaignId, s.id);
  const occurrences = db.prepare<[string, string, number], OccurrenceRow>(
    `SELECT s.id AS submissionId, s.unit, s.activity, p.file, p.sha256, s.analysis_version AS analysisVersion
     FROM submission_photos p JOIN submissions s ON s.id = p.submission_id
     WHERE p.sha256 IN (SELECT value FROM json_each(?)) AND s.campaign_id = ? AND s.id <= ? ORDER BY s.id DESC`,
  );
  // When this unit first submitted a content for this activity: another unit's or activity's photo counts only if it came before.
  const origin = db.prepare<[string, string, string, string], { id: number }>(
    `SELECT min(s.id) AS id FROM submission_photos p JOIN submissions s ON s.id = p.submission_id
     WHERE s.campaign_id = ? AND s.unit = ? AND s.activity = ? AND p.sha256 = ?`,
  );
  // When this file name first held this content in this activity: an earlier file that was still submitted beside it then is not a rename.
  const fileOrigin = db.prepare<[string, string, string, string, string], { id: number }>(
    `SELECT min(s.id) AS id FROM submission_photos p JOIN submissions s ON s.id = p.submission_id
     WHERE s.campaign_id = ? AND s.unit = ? AND s.activity = ? AND p.sha256 = ? AND p.file = ?`,
  );
  const current = new Map(store.submissionPhotos(s.id).map((p) => [p.file, p.sha256]));
  const others = new Map<string, Analysis | null>();
  const analysisOf = (sha: string, version: string) => {
    const key = `${sha}|${version}`;
    if (!others.has(key)) {
      const a = store.getAnalysis(sha, version);
      others.set(key, a?.status === 'done' ? a.analysis : null);
    }
    return others.get(key)!;
  };
  const of = (file: string, analysis: Analysis): DuplicateMatch[] => {
    const near = nearest(analysis, (hash) => nearHashes(db, hash, radius).map((n) => ({ key: n.sha256, distance: n.distance })));
    const list: DuplicateMatch[] = [];
    const linked = new Set<string>();
    const first = origin.get(s.campaignId, s.unit, s.activity, analysis.sha256)?.id ?? s.id;
    const firstAsFile = fileOrigin.get(s.campaignId, s.unit, s.activity, analysis.sha256, file)?.id ?? s.id;
    for (const o of near.size ? occurrences.all(JSON.stringify([...near.keys()]), s.campaignId, s.id) : []) {
      const sameActivity = o.unit === s.unit && o.activity === s.activity;
      if (!sameActivity && o.submissionId > first) continue; // this unit had the picture first
      if (sameActivity && o.file === file) continue; // this photo, or the same file resubmitted
      // An earlier version's file still submitted with the same content is matched as it is now.
      if (sameActivity && o.submissionId !== s.id && current.get(o.file) === o.sha256) continue;
      const key = `${o.unit}|${o.activity}|${o.file}|${o.sha256}`;
      if (linked.has(key)) continue; // the latest version holding it (rows come newest first)
      if (sameActivity && o.submissionId !== s.id && o.submissionId >= firstAsFile) {
        linked.add(key); // both were submitted together (a look-alike then, not now): dropping one is no rename
        continue;
      }
      const other = analysisOf(o.sha256, o.analysisVersion);
      if (!other) continue;
      linked.add(key);
      const relation = !sameActivity ? undefined : o.submissionId === s.id ? 'same-activity' : 'renamed';
      const { distance, mirrored } = near.get(o.sha256)!;
      // Named as the service's reports name photos (unit/activity/file), so the link finds the other PhotoResult.
      const shown = `${o.unit}/${o.activity}/${o.file}`;
      list.push(matchOf(s, { unit: o.unit, activity: o.activity, file: shown, submissionId: o.submissionId, analysis: other }, distance, mirrored, relation));
    }
    return list.sort((a, b) => a.distance - b.distance);
  };
  return { complete, of };
}
