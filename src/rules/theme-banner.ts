// Rule theme-banner (二（三）2 主题突出、直观体现主题关键词): a legible line of text shows the activity's theme keywords.
import { z } from 'zod';
import type { TextLine } from '../analysis/types.ts';
import type { Activity } from '../campaign/schema.ts';
import { bestSubstringMatch, normalizeText } from '../text/match.ts';
import { defineRule } from './types.ts';

const options = z.object({
  /** Keyword similarity (1 − edits/length) at or above which a keyword counts as found; tolerates OCR slips. */
  passSimilarity: z.number().min(0).max(1).default(0.8),
  /** Similarity from here up to passSimilarity goes to a person. */
  reviewSimilarity: z.number().min(0).max(1).default(0.6),
  /** Keywords this short (characters) must be read exactly: one slip in 3 characters matches phone numbers and addresses (3·15). */
  exactUpTo: z.number().int().min(0).default(3),
  /** Text lines the reader is less sure of than this are ignored. */
  minLineScore: z.number().min(0).max(1).default(0.5),
  /** Character height as a fraction of the photo's short side below which the text is too small to read in the photo. */
  minCharRatio: z.number().min(0).max(1).default(0.012),
});
type Options = z.infer<typeof options>;

interface Found {
  keyword: string;
  similarity: number;
  line: TextLine;
  charRatio: number;
}

/** Best legible-or-not occurrence of any of the keywords across the lines (and pairs of neighbouring lines). */
function findKeywords(keywords: string[], lines: TextLine[], shortSide: number, o: Options): Found | null {
  let best: Found | null = null;
  const candidates: TextLine[] = [...lines];
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i]!;
    const b = lines[i + 1]!;
    const x = Math.min(a.box.x, b.box.x);
    const y = Math.min(a.box.y, b.box.y);
    const box = {
      x,
      y,
      width: Math.max(a.box.x + a.box.width, b.box.x + b.box.width) - x,
      height: Math.max(a.box.y + a.box.height, b.box.y + b.box.height) - y,
    };
    // A banner split into two lines: join them, keep the smaller character size.
    const charSize = Math.min(charHeight(a), charHeight(b));
    candidates.push({ text: a.text + b.text, box: { ...box, height: charSize, width: Math.max(box.width, charSize) }, score: Math.min(a.score, b.score) });
  }
  for (const keyword of keywords) {
    const k = normalizeText(keyword);
    if (!k) continue;
    for (const line of candidates) {
      const m = bestSubstringMatch(k, normalizeText(line.text));
      const similarity = [...k].length <= o.exactUpTo && m.edits > 0 ? 0 : m.similarity;
      const charRatio = charHeight(line) / shortSide;
      const better =
        !best ||
        similarity > best.similarity ||
        (similarity === best.similarity && [...keyword].length > [...best.keyword].length);
      if (better && similarity > 0) best = { keyword, similarity, line, charRatio };
    }
  }
  return best;
}

/** Character size of a text line: the short side of its box (horizontal or vertical writing). */
function charHeight(line: TextLine): number {
  return Math.min(line.box.width, line.box.height);
}

function otherActivity(activities: Activity[], self: Activity, lines: TextLine[], shortSide: number, o: Options) {
  for (const a of activities) {
    if (a.id === self.id) continue;
    const f = findKeywords(a.keywords, lines, shortSide, o);
    // Only an exact, legible keyword of another activity is proof enough to fail.
    if (f && f.similarity === 1 && f.charRatio >= o.minCharRatio) return { activity: a, found: f };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'theme-banner',
    title: { zh: '主题关键词', en: 'Theme keywords' },
    clause: { ref: '二（三）2', text: '主题突出、直观体现主题关键词（如“XX镇关爱困境儿童〈圆梦微心愿〉志愿服务活动”等字样）' },
    messages: {
      found: { zh: '找到主题字样“{{text}}”（关键词“{{keyword}}”）', en: 'Theme text found: "{{text}}" (keyword "{{keyword}}")' },
      foundOtherUnit: {
        zh: '找到主题字样“{{text}}”，但写的是“{{otherUnit}}”而不是本单位，请人工确认',
        en: 'Theme text "{{text}}" found, but it names "{{otherUnit}}", not this unit: please check',
      },
      tooSmall: {
        zh: '主题字样“{{text}}”太小（字高约为画面的 {{percent}}%），在照片中难以辨认',
        en: 'Theme text "{{text}}" is too small (characters {{percent}}% of the picture height) to read in the photo',
      },
      weakMatch: {
        zh: '识别到“{{text}}”，与关键词“{{keyword}}”相近但不完全一致，请人工确认',
        en: 'Read "{{text}}", close to the keyword "{{keyword}}" but not the same: please check',
      },
      otherActivity: {
        zh: '画面中的字样“{{text}}”属于另一项活动：{{otherActivity}}（本活动是{{activity}}）',
        en: 'The text "{{text}}" belongs to another activity: {{otherActivity}} (this one is {{activity}})',
      },
      genericOnly: {
        zh: '只识别到“{{text}}”，没有本活动的主题关键词（如“{{example}}”），请人工确认',
        en: 'Only "{{text}}" was read, without a theme keyword of this activity (such as "{{example}}"): please check',
      },
      noKeyword: {
        zh: '画面中的文字（{{sample}}）没有本活动的主题关键词（如“{{example}}”）',
        en: 'The text in the photo ({{sample}}) has no theme keyword of this activity (such as "{{example}}")',
      },
      noText: { zh: '画面中没有识别到文字，看不出活动主题', en: 'No text found in the photo: the theme is not shown' },
    },
    fixes: {
      tooSmall: {
        zh: '请靠近横幅拍摄，让主题字样在照片中清楚可读。',
        en: 'Move closer to the banner so that the theme text is clearly readable in the photo.',
      },
      otherActivity: {
        zh: '请提交本活动的照片，横幅上应有“{{example}}”等主题字样。',
        en: 'Submit a photo of this activity, with a banner showing its theme, e.g. "{{example}}".',
      },
      noKeyword: {
        zh: '请在画面中拉横幅或展示标牌，写明单位和活动主题，例如“{{unit}}{{example}}志愿服务活动”。',
        en: 'Show a banner or sign naming the unit and the theme, e.g. "{{unit}}{{example}}志愿服务活动".',
      },
      noText: {
        zh: '请在画面中拉横幅或展示标牌，写明单位和活动主题，例如“{{unit}}{{example}}志愿服务活动”。',
        en: 'Show a banner or sign naming the unit and the theme, e.g. "{{unit}}{{example}}志愿服务活动".',
      },
    },
    options,
  },
  check(analysis, { options: o, campaign, unit, activity }) {
    const shortSide = Math.min(analysis.width, analysis.height);
    const lines = analysis.text.filter((l) => l.score >= o.minLineScore);
    const example = activity.keywords[0]!;
    const common = { activity: activity.name, example, unit: unit.id };
    const base = { threshold: { passSimilarity: o.passSimilarity, minCharRatio: o.minCharRatio } };
    const evidenceOf = (f: Found) => ({ textLines: [{ ...f.line, matched: f.keyword }] });

    const found = findKeywords(activity.keywords, lines, shortSide, o);
    if (found && found.similarity >= o.passSimilarity) {
      const data = { ...common, keyword: found.keyword, text: found.line.text, percent: Math.round(found.charRatio * 1000) / 10 };
      if (found.charRatio < o.minCharRatio) {
        return { ...base, status: 'fail', messageId: 'tooSmall', value: found.charRatio, data, evidence: evidenceOf(found) };
      }
      const text = normalizeText(lines.map((l) => l.text).join(''));
      const names = (u: { id: string; aliases: string[] }) => [u.id, ...u.aliases].map(normalizeText);
      const otherUnit = names(unit).some((n) => text.includes(n))
        ? undefined
        : campaign.units.find((u) => u.id !== unit.id && names(u).some((n) => text.includes(n)));
      if (otherUnit) {
        return { ...base, status: 'review', messageId: 'foundOtherUnit', value: found.similarity, data: { ...data, otherUnit: otherUnit.id }, evidence: evidenceOf(found) };
      }
      return { ...base, status: 'pass', messageId: 'found', value: found.similarity, data, evidence: evidenceOf(found) };
    }
    const other = otherActivity(campaign.activities, activity, lines, shortSide, o);
    if (other) {
      const data = { ...common, text: other.found.line.text, otherActivity: other.activity.name };
      return { ...base, status: 'fail', messageId: 'otherActivity', value: found?.similarity ?? 0, data, evidence: evidenceOf(other.found) };
    }
    if (found && found.similarity >= o.reviewSimilarity) {
      const data = { ...common, keyword: found.keyword, text: found.line.text };
      return { ...base, status: 'review', messageId: 'weakMatch', value: found.similarity, data, evidence: evidenceOf(found) };
    }
    const generic = findKeywords(campaign.genericKeywords, lines, shortSide, o);
    if (generic && generic.similarity === 1 && generic.charRatio >= o.minCharRatio) {
      const data = { ...common, text: generic.line.text };
      return { ...base, status: 'review', messageId: 'genericOnly', value: found?.similarity ?? 0, data, evidence: evidenceOf(generic) };
    }
    if (lines.length === 0) return { ...base, status: 'fail', messageId: 'noText', value: 0, data: common, evidence: { textLines: [] } };
    const sample = lines.slice(0, 3).map((l) => `“${l.text}”`).join('、');
    return { ...base, status: 'fail', messageId: 'noKeyword', value: found?.similarity ?? 0, data: { ...common, sample }, evidence: { textLines: lines } };
  },
});
