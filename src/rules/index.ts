// The registry of rules, in report order. A campaign names which of these apply (a test keeps this list, tests and docs in step).
import captureDate from './capture-date.ts';
import duplicate from './duplicate.ts';
import participants from './participants.ts';
import sharpness from './sharpness.ts';
import themeBanner from './theme-banner.ts';
import type { Rule } from './types.ts';
import uniform from './uniform.ts';

export const rules: Record<string, Rule<any>> = {
  [sharpness.meta.id]: sharpness,
  [themeBanner.meta.id]: themeBanner,
  [participants.meta.id]: participants,
  [uniform.meta.id]: uniform,
  [captureDate.meta.id]: captureDate,
  [duplicate.meta.id]: duplicate,
};
