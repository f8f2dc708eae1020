// Small synthetic Analyses for rule tests: milliseconds, no models.
import type { Analysis, ColourFractions, Face, TextLine, UpperBody } from '../../src/analysis/types.ts';
import { loadCampaign, findActivity, findUnit } from '../../src/campaign/load.ts';
import type { Rule, RuleContext } from '../../src/rules/types.ts';

export const campaign = loadCampaign();

export function faces(n: number, score = 0.9): Face[] {
  return Array.from({ length: n }, (_, i) => ({ box: { x: (i % 10) * 100, y: Math.floor(i / 10) * 100, width: 60, height: 60 }, score }));
}

/** Palette fractions, zero except those given. */
export function colours(c: Partial<ColourFractions> = {}): ColourFractions {
  return { red: 0, orange: 0, yellow: 0, green: 0, blue: 0, pink: 0, ...c };
}

/**
 * Upper bodies for `list`: the first `uniformed` wear a vest of `vest` colours (torso 60 % red by default), the
 * others neutral clothes; no cap; a neutral background beside everyone.
 */
export function upperBodies(list: Face[], uniformed = list.length, vest: ColourFractions = colours({ red: 0.6 })): UpperBody[] {
  return list.map((f, i) => ({
    face: i,
    torso: { box: { x: f.box.x - 0.4 * f.box.width, y: f.box.y + 1.3 * f.box.height, width: 1.8 * f.box.width, height: 1.2 * f.box.height }, colours: i < uniformed ? vest : colours() },
    head: { box: { x: f.box.x, y: f.box.y - 0.5 * f.box.height, width: 1.2 * f.box.width, height: 0.55 * f.box.height }, colours: colours() },
    surround: colours(),
    besideHead: colours(),
  }));
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
    capturedAt: '2023-03-18T10:30:00',
    sharpness: { score: 300, directionalRatio: 0.8, scoredLongSide: 1024 },
    exposure: { meanLuma: 120, darkFraction: 0.01, brightFraction: 0.01 },
    faces: faces(25),
    text: [line('雁江镇关爱一老一小志愿服务活动')],
    upperBodies: upperBodies(faces(25)),
    phash: '0123456789abcdef',
    phashMirrored: 'fedcba9876543210',
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
