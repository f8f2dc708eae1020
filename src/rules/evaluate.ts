// Runs a campaign's rules on one Analysis and renders their messages: the cheap, pure half of a check.
import type { Analysis } from '../analysis/types.ts';
import type { Activity, Campaign, Unit } from '../campaign/schema.ts';
import { fill } from '../i18n/messages.ts';
import { rules } from './index.ts';
import type { DuplicateMatch, RuleResult, RuleStatus } from './types.ts';

export type Verdict = RuleStatus | 'error';

export function evaluateRules(analysis: Analysis, campaign: Campaign, unit: Unit, activity: Activity, duplicates?: DuplicateMatch[]): RuleResult[] {
  return Object.entries(campaign.rules).map(([id, options]) => {
    const rule = rules[id];
    if (!rule) throw new Error(`campaign names unknown rule ${id}`); // parseCampaign prevents this
    const outcome = rule.check(analysis, { options, campaign, unit, activity, duplicates });
    const msg = rule.meta.messages[outcome.messageId];
    if (!msg) throw new Error(`rule ${id} returned unknown message id ${outcome.messageId}`);
    const fix = outcome.status === 'pass' ? undefined : rule.meta.fixes[outcome.messageId];
    return { id, title: rule.meta.title, ...outcome, message: fill(msg, outcome.data), ...(fix ? { fix: fill(fix, outcome.data) } : {}) };
  });
}

/** A photo passes when every rule passes; any failure fails it; otherwise a person reviews it. */
export function verdictOf(results: RuleResult[]): RuleStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'review')) return 'review';
  return 'pass';
}
