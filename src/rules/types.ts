// The shape of a rule: one clause of the notice, its messages as data, its options schema, and a pure check.
import type { z } from 'zod';
import type { Analysis } from '../analysis/types.ts';
import type { Message } from '../i18n/messages.ts';
import type { Activity, Campaign, Unit } from '../campaign/schema.ts';

export type RuleStatus = 'pass' | 'fail' | 'review';

/** What a rule found, in terms a report and an evidence picture can show. Boxes are original-image pixels. */
export interface Evidence {
  faces?: { box: { x: number; y: number; width: number; height: number }; score: number }[];
  textLines?: { text: string; box: { x: number; y: number; width: number; height: number }; score: number; matched?: string }[];
  [key: string]: unknown;
}

/** What `check` returns: the message is addressed by id and filled from data when rendered. */
export interface RuleOutcome {
  status: RuleStatus;
  messageId: string;
  data: Record<string, unknown>;
  /** The measured value the decision was made on (a count, a score, a similarity…). */
  value: number | string | null;
  /** The threshold(s) it was compared with. */
  threshold: number | string | Record<string, number> | null;
  evidence: Evidence;
}

/**
 * Another photo of the campaign that looks like this one (found at the edge — the `check` batch or the service's
 * hash index — and handed to the rules; the `duplicate` rule decides what it means).
 */
export interface DuplicateMatch {
  sha256: string;
  unit: string;
  activity: string;
  file: string;
  /** The service's submission holding it (absent in a `check` batch). */
  submissionId?: number;
  /** Hamming distance of the perceptual hashes (0–64; the smaller of direct and mirrored). */
  distance: number;
  /** The match is with the other photo flipped left–right. */
  mirrored: boolean;
  /**
   * other-unit / other-activity: another unit's photo, or this unit's for another activity · renamed: this unit and
   * activity, an earlier version, under a file name no longer submitted · same-activity: another file of this
   * unit's current photos for this activity.
   */
  relation: 'other-unit' | 'other-activity' | 'renamed' | 'same-activity';
  /**
   * The other photo's capture time, height (px) and text lines (height as a fraction of the photo's, recogniser
   * score), for telling the same picture from the same scene at another moment or under another banner.
   */
  capturedAt: string | null;
  height: number;
  text: { text: string; size: number; score: number }[];
}

export interface RuleContext<O> {
  options: O;
  campaign: Campaign;
  unit: Unit;
  activity: Activity;
  /** Look-alike photos of the campaign (see DuplicateMatch); undefined when the photo is checked on its own. */
  duplicates?: DuplicateMatch[];
}

export interface RuleMeta<O> {
  id: string;
  title: Message;
  /** Where the notice says it, e.g. 二（三）1, and the words it uses. */
  clause: { ref: string; text: string };
  /** Every message the rule can return, by id; `{{name}}` placeholders filled from outcome data. */
  messages: Record<string, Message>;
  /** How to fix a failure, by message id (messages without an entry need no fix). */
  fixes: Record<string, Message>;
  /** Options with their defaults; the campaign's `rules.<id>` block is parsed with it. */
  options: z.ZodType<O>;
}

export interface Rule<O = unknown> {
  meta: RuleMeta<O>;
  check(analysis: Analysis, ctx: RuleContext<O>): RuleOutcome;
}

/** A rule outcome as it appears in reports: id and rendered messages added. */
export interface RuleResult extends RuleOutcome {
  id: string;
  title: Message;
  message: Message;
  fix?: Message;
}

export function defineRule<O>(rule: Rule<O>): Rule<O> {
  return rule;
}
