// Small synthetic Analyses for rule tests: milliseconds, no models.
import type { Analysis, Face, TextLine } from '../../src/analysis/types.ts';
import { loadCampaign, findActivity, findUnit } from '../../src/campaign/load.ts';
import type { Rule, RuleContext } from '../../src/rules/types.ts';

export const campaign = loadCampaign();

export function faces(n: number, score = 0.9): Face[] {
  return Array.from({ length: n }, (_, i) => ({ box: { x: (i % 10) * 100, y: Math.floor(i / 10) * 100, width: 60, height: 60 }, score }));
}

/** A horizontal text line whose characters are `charPx` tall. */
export function line(text: string, charPx = 60, score = 0.95, y = 100): TextLine {
  return { text, box: { x: 100, y, width: [...text].length * charPx, height: charPx }, score };
}

export function analysis(overrides: Partial<Analysis> = {}): Analysis {
  return {
    version: 'test',
    sha256: '0'.repeat(64),
    width: 3000,
    height: 2000,
    format: 'jpeg',
    bytes: 1,
    capturedAt: null,
    sharpness: { score: 300, directionalRatio: 0.8, scoredLongSide: 1024 },
    exposure: { meanLuma: 120, darkFraction: 0.01, brightFraction: 0.01 },
    faces: faces(25),
    text: [line('雁江镇关爱一老一小志愿服务活动')],
    engines: { faces: 'test', text: 'test' },
    timings: {},
    ...overrides,
  };
}

/** The context a rule sees: the 2023 campaign's options for it, optionally overridden. */
export function ctx<O>(rule: Rule<O>, unit = '雁江镇', activity = '四', options?: Partial<O>): RuleContext<O> {
  return {
    options: { ...(campaign.rules[rule.meta.id] as O), ...options },
    campaign,
    unit: findUnit(campaign, unit),
    activity: findActivity(campaign, activity),
  };
}
