// Loads a campaign file: JSON → zod schema → each rule's options parsed with that rule's own schema, then frozen.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { PhotocheckError } from '../errors/catalogue.ts';
import { rules } from '../rules/index.ts';
import { campaignSchema, type Activity, type Campaign, type Unit } from './schema.ts';

export const defaultCampaignFile = join(dirname(fileURLToPath(import.meta.url)), 'campaigns', 'ziyang-2023-leifeng.json');

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Validate campaign data; `file` only names the source in errors. */
export function parseCampaign(data: unknown, file = '(campaign)'): Campaign {
  const parsed = campaignSchema.safeParse(data);
  if (!parsed.success) throw new PhotocheckError('PC_ERR_CAMPAIGN_INVALID', { file, issues: describeIssues(parsed.error.issues) });
  const ruleOptions: Record<string, unknown> = {};
  for (const [id, options] of Object.entries(parsed.data.rules)) {
    const rule = rules[id];
    if (!rule) {
      throw new PhotocheckError('PC_ERR_CAMPAIGN_INVALID', {
        file,
        issues: `rules.${id}: unknown rule (known: ${Object.keys(rules).join(', ')})`,
      });
    }
    const o = rule.meta.options.safeParse(options ?? {});
    if (!o.success) {
      const issues = o.error.issues.map((i) => ({ ...i, path: ['rules', id, ...i.path] }));
      throw new PhotocheckError('PC_ERR_CAMPAIGN_INVALID', { file, issues: describeIssues(issues) });
    }
    ruleOptions[id] = o.data;
  }
  return deepFreeze({ ...parsed.data, rules: ruleOptions });
}

export function loadCampaign(file: string = defaultCampaignFile): Campaign {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PhotocheckError('PC_ERR_CAMPAIGN_INVALID', { file, issues: (err as Error).message });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PhotocheckError('PC_ERR_CAMPAIGN_INVALID', { file, issues: `not valid JSON: ${(err as Error).message}` });
  }
  return parseCampaign(data, file);
}

const chineseNumerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Find an activity by number (1–8 or 一…八), id, short name or full name. */
export function findActivity(campaign: Campaign, query: string): Activity {
  const q = query.trim();
  const n = /^\d+$/.test(q) ? Number(q) : chineseNumerals.indexOf(q.replace(/^[（(]|[）)]$/g, '')) + 1;
  const strip = (s: string) => s.replace(/[“”"‘’'\s]/g, '');
  const hit =
    campaign.activities.find((a) => n > 0 && a.number === n) ??
    campaign.activities.find((a) => a.id === q || a.short === q || strip(a.name.zh) === strip(q) || a.name.en === q) ??
    campaign.activities.find((a) => strip(a.name.zh).includes(strip(q)) && strip(q).length >= 2);
  if (!hit) {
    throw new PhotocheckError('PC_ERR_UNKNOWN_ACTIVITY', {
      activity: query,
      count: campaign.activities.length,
      choices: campaign.activities.map((a) => `${a.id} ${a.short}`).join('，'),
    });
  }
  return hit;
}

export function findUnit(campaign: Campaign, query: string): Unit {
  const q = query.trim();
  const hit = campaign.units.find((u) => u.id === q || u.aliases.includes(q) || u.en.toLowerCase() === q.toLowerCase());
  if (!hit) throw new PhotocheckError('PC_ERR_UNKNOWN_UNIT', { unit: query, choices: campaign.units.map((u) => u.id).join('，') });
  return hit;
}

/** Activities a unit is responsible for, in campaign order. */
export function activitiesOf(campaign: Campaign, unit: Unit): Activity[] {
  return campaign.activities.filter((a) => a.responsible.includes(unit.id));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
