// The Report: per unit, per activity, the photos with verdicts and reasons. JSON is the source; table/HTML are views of it.
import { isLate } from '../campaign/deadline.ts';
import type { Campaign, Unit } from '../campaign/schema.ts';
import { activitiesOf } from '../campaign/load.ts';
import type { PhotoResult } from '../check/check-photo.ts';
import type { Message } from '../i18n/messages.ts';

/** pass: at least one compliant photo · review: none compliant, some need a person · fail: none compliant · missing: nothing submitted. */
export type ActivityStatus = 'pass' | 'review' | 'fail' | 'missing';

export interface ActivityReport {
  activity: { id: string; number: number; name: Message };
  /** Whether the campaign makes this unit responsible for this activity (责任单位). */
  responsible: boolean;
  status: ActivityStatus;
  photos: PhotoResult[];
  /** Submitted at or after the campaign's deadline (逾期): from the service's submission, or `check --submitted-at`. Absent when not known. */
  late?: boolean;
  /** Service reports only: the submission (version) these photos come from. Absent in `photocheck check`'s report. */
  submission?: SubmissionInfo;
  /** Service reports only: what changed since the previous version; null for a first submission. */
  changes?: ActivityChanges | null;
}

/** One version of a unit's photos for an activity, as received by the service. */
export interface SubmissionInfo {
  id: number;
  version: number;
  submittedAt: string;
  /** Submitted at or after the campaign's deadline. */
  late: boolean;
  /** Photos of this version not analysed yet (not in `photos` until they are). */
  pending: number;
}

/** A file named in a change list, with its verdict now and, for failures, why (each failed rule's message, or the error). */
export interface ChangedPhoto {
  file: string;
  verdict?: PhotoResult['verdict'];
  reasons?: Message[];
}

/** What a resubmission changed, compared under the current thresholds. */
export interface ActivityChanges {
  sinceVersion: number;
  added: ChangedPhoto[];
  replaced: ChangedPhoto[];
  removed: ChangedPhoto[];
  /** Passing now, and not passing (or absent) in the previous version. */
  newlyPassing: ChangedPhoto[];
  /** Failing (fail or error) now and in the previous version, with the reasons. */
  stillFailing: ChangedPhoto[];
  /** Failing now, but passing, in review or absent in the previous version. */
  newlyFailing: ChangedPhoto[];
}

export interface UnitReport {
  unit: { id: string; name: Message };
  summary: { photos: number; pass: number; review: number; fail: number; error: number; activitiesMissing: number };
  activities: ActivityReport[];
  /** Whether any of its activities is late (the latest version, in service reports). Absent when not known. */
  late?: boolean;
}

export interface Report {
  campaign: { id: string; version: string; title: Message; deadline: string };
  generatedAt: string;
  /**
   * `photocheck check` only: when the photos were submitted (`--submitted-at`), or null when not known (then nothing
   * is marked late). Absent in service reports, where each activity's submission has its own time.
   */
  submittedAt?: string | null;
  /** What a person must judge on every photo (the campaign's reviewItems); a reviewer's decision is a photo's `review`. */
  reviewItems: Message[];
  units: UnitReport[];
}

export interface CheckedPhoto {
  unit: string;
  activity: string;
  result: PhotoResult;
}

export function activityStatus(photos: PhotoResult[]): ActivityStatus {
  if (photos.length === 0) return 'missing';
  if (photos.some((p) => p.verdict === 'pass')) return 'pass';
  if (photos.some((p) => p.verdict === 'review')) return 'review';
  return 'fail';
}

function unitReport(campaign: Campaign, unit: Unit, photos: CheckedPhoto[], late: boolean | undefined): UnitReport {
  const mine = photos.filter((p) => p.unit === unit.id);
  const responsible = new Set(activitiesOf(campaign, unit).map((a) => a.id));
  const submitted = new Set(mine.map((p) => p.activity));
  const activities = campaign.activities
    .filter((a) => responsible.has(a.id) || submitted.has(a.id))
    .map((a): ActivityReport => {
      const list = mine.filter((p) => p.activity === a.id).map((p) => p.result);
      return {
        activity: { id: a.id, number: a.number, name: a.name },
        responsible: responsible.has(a.id),
        status: activityStatus(list),
        ...(late !== undefined && list.length > 0 ? { late } : {}),
        photos: list,
      };
    });
  const count = (v: string) => mine.filter((p) => p.result.verdict === v).length;
  return {
    unit: { id: unit.id, name: { zh: unit.id, en: unit.en } },
    summary: {
      photos: mine.length,
      pass: count('pass'),
      review: count('review'),
      fail: count('fail'),
      error: count('error'),
      activitiesMissing: activities.filter((a) => a.responsible && a.status === 'missing').length,
    },
    activities,
    ...(late !== undefined && mine.length > 0 ? { late } : {}),
  };
}

/**
 * Build the report. By default it covers the units that submitted photos; `allUnits` covers every unit
 * of the campaign (the collector's view, where missing submissions matter). `submittedAt` (`check` only):
 * when all these photos were submitted, marking what was submitted late; null when not known.
 */
export function buildReport(
  campaign: Campaign,
  photos: CheckedPhoto[],
  opts: { allUnits?: boolean; now?: Date; submittedAt?: Date | null } = {},
): Report {
  const submitted = new Set(photos.map((p) => p.unit));
  const units = campaign.units.filter((u) => opts.allUnits || submitted.has(u.id));
  const late = opts.submittedAt ? isLate(campaign, opts.submittedAt) : undefined;
  return {
    campaign: { id: campaign.id, version: campaign.version, title: campaign.title, deadline: campaign.deadline },
    generatedAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.submittedAt !== undefined ? { submittedAt: opts.submittedAt?.toISOString() ?? null } : {}),
    reviewItems: campaign.reviewItems,
    units: units.map((u) => unitReport(campaign, u, photos, late)),
  };
}
