// The campaign's deadline (二（三） 3月25日前报送): when a submission is late (逾期). One rule for the service and `check --submitted-at`.
import { z } from 'zod';
import type { Campaign } from './schema.ts';

/** Submitted at or after the campaign's deadline. */
export function isLate(campaign: Pick<Campaign, 'deadline'>, submittedAt: Date): boolean {
  return submittedAt.getTime() >= Date.parse(campaign.deadline);
}

/** `--submitted-at`: an ISO time with a zone (2023-03-26T09:30:00+08:00), or a date (2023-03-26). */
export const submittedAtSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'expected a date 2023-03-26 or a time with a zone, 2023-03-26T09:30:00+08:00')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a valid date');

/** The instant of a `--submitted-at` value; a date alone is the start of that day in the zone of the campaign's deadline. */
export function submittedAtInstant(campaign: Pick<Campaign, 'deadline'>, value: string): Date {
  if (value.length > 10) return new Date(value);
  const zone = /(Z|[+-]\d{2}:\d{2})$/.exec(campaign.deadline)![1];
  return new Date(`${value}T00:00:00${zone}`);
}

/** An instant as the notice's readers count time, in the zone of the deadline: `2023-03-25 00:00`. */
export function localTime(iso: string, campaign: Pick<Campaign, 'deadline'>): string {
  const m = /([+-])(\d\d):(\d\d)$/.exec(campaign.deadline);
  const offsetMin = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(Date.parse(iso) + offsetMin * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}
