// The campaign: one notice's units, activities, keywords, deadline and rule thresholds, as validated data.
import { z } from 'zod';

const localized = z.object({
  zh: z.string().min(1),
  en: z.string().min(1),
});

export const unitSchema = z.object({
  /** The unit's name as used in folder names and reports, e.g. 雁江镇. */
  id: z.string().min(1),
  /** English name for --lang en. */
  en: z.string().min(1),
  /** town | department | organisation — informational. */
  kind: z.enum(['town', 'department', 'organisation']),
  /** Other spellings that may appear on banners or folder names (e.g. 雁江). */
  aliases: z.array(z.string().min(1)).default([]),
});

export const activitySchema = z.object({
  /** Chinese numeral of the notice's list, 一 … 八; also accepted as 1–8. */
  id: z.string().min(1),
  number: z.number().int().positive(),
  name: localized,
  /** Short name used in folder names, e.g. 节水护水. */
  short: z.string().min(1),
  /** Theme keywords: a legible banner line containing any of them shows the theme. */
  keywords: z.array(z.string().min(2)).min(1),
  /** Unit ids responsible for this activity (责任单位). */
  responsible: z.array(z.string().min(1)).min(1),
});

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /T.*([+-]\d\d:\d\d|Z)$/.test(s), {
  message: 'expected an ISO 8601 time with a zone, e.g. 2023-03-25T00:00:00+08:00',
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const campaignSchema = z
  .object({
    /** Stable id; reports name it. */
    id: z.string().min(1),
    /** Bump when anything that changes verdicts changes (rules are then re-evaluated, not re-analysed). */
    version: z.string().min(1),
    title: localized,
    notice: z.object({ ref: z.string(), issuedBy: z.string(), date: isoDate }),
    /** The unit that collects everybody's photos (党群工作部). */
    collector: z.string().min(1),
    /** Photos submitted at or after this instant are late (逾期). 3月25日前 = before 25 March, Beijing time. */
    deadline: isoInstant,
    /** Photos should be taken inside this window (inclusive dates, local time). */
    window: z.object({ from: isoDate, to: isoDate }),
    /**
     * What a person must judge on every photo because no rule can (tidiness of the scene, whether the people are
     * really doing the activity …): every report lists them for the reviewer, whose decision is recorded per photo.
     */
    reviewItems: z.array(localized).default([]),
    /** Words that show a volunteer activity but not which one (extra evidence only). */
    genericKeywords: z.array(z.string().min(2)).default([]),
    units: z.array(unitSchema).min(1),
    activities: z.array(activitySchema).min(1),
    /** Which rules apply, each with its options (thresholds); an omitted option takes the rule's default. */
    rules: z.record(z.string(), z.unknown()),
  })
  .superRefine((c, ctx) => {
    const units = new Set(c.units.map((u) => u.id));
    c.activities.forEach((a, i) => {
      a.responsible.forEach((u, j) => {
        if (!units.has(u)) {
          ctx.addIssue({ code: 'custom', path: ['activities', i, 'responsible', j], message: `unknown unit "${u}"` });
        }
      });
    });
    if (!units.has(c.collector)) ctx.addIssue({ code: 'custom', path: ['collector'], message: `unknown unit "${c.collector}"` });
    const dup = (xs: string[]) => xs.find((x, i) => xs.indexOf(x) !== i);
    const du = dup(c.units.map((u) => u.id));
    if (du) ctx.addIssue({ code: 'custom', path: ['units'], message: `unit "${du}" is listed twice` });
    const da = dup(c.activities.map((a) => a.id));
    if (da) ctx.addIssue({ code: 'custom', path: ['activities'], message: `activity "${da}" is listed twice` });
  });

export type Unit = z.infer<typeof unitSchema>;
export type Activity = z.infer<typeof activitySchema>;
/** A campaign after loading: rule options parsed with each rule's schema. */
export type Campaign = Omit<z.infer<typeof campaignSchema>, 'rules'> & { rules: Record<string, unknown> };
