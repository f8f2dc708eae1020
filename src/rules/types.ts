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

export interface RuleContext<O> {
  options: O;
  campaign: Campaign;
  unit: Unit;
  activity: Activity;
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
