// Rule duplicate (photos of this unit's own activity): the photo is not the same picture as another of the campaign.
//
// The look-alikes come in ctx.duplicates, found at the edge by perceptual hash (src/duplicates/). Resized,
// recompressed or mirrored copies are 0–4 of 64 bits apart, light crops 2–16, photos of other scenes ≥ 18
// (shared/photos). A close hash alone cannot tell a copy from the same scene at another moment or under another
// banner (a joint event of two units), so capture times and legible text are compared too: when they show two
// pictures, the match is only noted. Another unit, another activity, or this activity earlier under a name no
// longer submitted (a renamed copy would escape a reviewer's decision on the original) → fail when strong, review
// when weak. Not failed: another file of this activity's own photos (it counts once and gains nothing), and the
// original of a picture whose banner names this unit and not the other one.
import { z } from 'zod';
import type { Campaign } from '../campaign/schema.ts';
import type { Message } from '../i18n/messages.ts';
import { textOf } from '../duplicates/find.ts';
import { normalizeText } from '../text/match.ts';
import { defineRule, type DuplicateMatch, type RuleStatus } from './types.ts';

const options = z
  .object({
    /** At most this many differing hash bits (of 64) is the same picture: fail. */
    failDistance: z.number().int().min(0).max(32).default(8),
    /** Up to this many is a weak match (a heavier crop, or a look-alike): a person decides. */
    reviewDistance: z.number().int().min(0).max(32).default(14),
  })
  .refine((o) => o.reviewDistance >= o.failDistance, { message: 'reviewDistance must be at least failDistance', path: ['reviewDistance'] });

/** Capture times (local, to the second) at least this far apart are two pictures. */
const MOMENT_SECONDS = 2;
/** A line of text this tall (px) in a photo, read with this confidence, would be read in the other photo too. */
const LEGIBLE_PX = 16;
const LEGIBLE_SCORE = 0.7;

type Lines = DuplicateMatch['text'];
const seconds = (t: string) => Date.parse(`${t}Z`) / 1000;
const bigrams = (lines: Lines) => {
  const out = new Set<string>();
  for (const l of lines) {
    const c = [...normalizeText(l.text)];
    for (let i = 0; i + 1 < c.length; i++) out.add(c[i]! + c[i + 1]!);
  }
  return out;
};

type Shown = { text: Lines; height: number };
/** Character pairs of the text of `x` clear enough to be read in `y` too (at y's size). */
const legibleIn = (x: Shown, y: Shown) => bigrams(x.text.filter((l) => l.score >= LEGIBLE_SCORE && l.size * y.height >= LEGIBLE_PX));

/**
 * The two photos show different text: one shows text legible at the other's size where the other has none
 * (a blank banner, or none), or the one with less text has legible text mostly missing from the other's
 * (another banner). The one with less text is the reference, since a crop or a smaller copy reads a part of the
 * original's text.
 */
export function textDiffers(a: Shown, b: Shown): boolean {
  const [sa, sb] = [bigrams(a.text), bigrams(b.text)];
  if (sa.size === 0 || sb.size === 0) return legibleIn(a, b).size >= 4 || legibleIn(b, a).size >= 4;
  const [x, y, seen] = sa.size <= sb.size ? [a, b, sb] : [b, a, sa];
  const legible = legibleIn(x, y);
  const lost = [...legible].filter((g) => !seen.has(g)).length;
  return lost >= 4 && lost / legible.size > 0.3;
}

function where(m: DuplicateMatch, campaign: Campaign): Message {
  const unit = campaign.units.find((u) => u.id === m.unit);
  const activity = campaign.activities.find((a) => a.id === m.activity);
  const n = activity?.number ?? m.activity;
  if (m.relation === 'other-unit') return { zh: `${m.unit}提交的 ${m.file}`, en: `${m.file}, submitted by ${unit?.en ?? m.unit}` };
  if (m.relation === 'other-activity') return { zh: `本单位活动${m.activity}的 ${m.file}`, en: `${m.file}, this unit's photo for activity ${n}` };
  if (m.relation === 'renamed') return { zh: `本活动早先提交的 ${m.file}`, en: `${m.file}, submitted earlier for this activity` };
  return { zh: `本活动的 ${m.file}`, en: `${m.file} of this activity` };
}

/** Which match the message names: a failure, then a review, then the most telling note. */
const RANK: Record<string, number> = { copy: 6, renamed: 6, similar: 5, original: 4, sameActivity: 3, sameScene: 2 };

export default defineRule({
  meta: {
    id: 'duplicate',
    title: { zh: '照片重复', en: 'Duplicate photo' },
    clause: { ref: '二（三）', text: '请各级各部门于3月25日前将活动图片信息报送党群工作部' },
    messages: {
      unique: { zh: '未发现与其他照片重复', en: 'Not the same picture as any other photo of the campaign' },
      notChecked: { zh: '单张检查，未与其他照片比对', en: 'Checked on its own, not compared with other photos' },
      sameActivity: { zh: '本活动中 {{file}} 是同一张照片，只计一次', en: '{{file}} in this activity is the same picture; it counts once' },
      sameScene: {
        zh: '与{{where}} 画面相近（哈希相差 {{distance}}/64 位），但{{why}}，不是同一张照片',
        en: 'Looks like {{where}} ({{distance}} of 64 hash bits differ), but {{why}}: not the same picture',
      },
      original: {
        zh: '{{where}} 是同一张照片；横幅写明本单位，本照片视为原件',
        en: '{{where}} is the same picture; the banner names this unit, so this photo is taken as the original',
      },
      copy: { zh: '与{{where}} 是同一张照片（哈希相差 {{distance}}/64 位）', en: 'The same picture as {{where}} ({{distance}} of 64 hash bits differ)' },
      renamed: {
        zh: '与{{where}} 是同一张照片（哈希相差 {{distance}}/64 位），改名后重新提交',
        en: 'The same picture as {{where}} ({{distance}} of 64 hash bits differ), submitted again under another name',
      },
      similar: {
        zh: '与{{where}} 相似（哈希相差 {{distance}}/64 位，{{why}}），请人工确认是否为同一张照片',
        en: 'Looks like {{where}} ({{distance}} of 64 hash bits differ; {{why}}): please check by eye whether it is the same picture',
      },
    },
    fixes: {
      copy: {
        zh: '每张照片只能用于一个单位的一项活动：请提交本单位在本项活动中拍摄的照片；如确为联合开展的活动，请向审核人员说明。',
        en: 'A photo counts for one unit and one activity only: submit a photo your unit took at this activity; if the activity was held jointly, tell the reviewer.',
      },
      renamed: {
        zh: '同一张照片改名重新提交不会改变审核结果：请沿用原文件名，或提交另一张照片。',
        en: 'Renaming a photo does not change its review: keep the original file name, or submit another photo.',
      },
      similar: {
        zh: '如两张确为不同的照片，请向审核人员说明；否则请提交本单位在本项活动中拍摄的照片。',
        en: 'If the two are different photos, tell the reviewer; otherwise submit a photo your unit took at this activity.',
      },
    },
    options,
  },
  check(analysis, { options: o, campaign, unit, duplicates }) {
    const threshold = { failDistance: o.failDistance, reviewDistance: o.reviewDistance };
    if (!duplicates) return { status: 'pass', messageId: 'notChecked', value: null, threshold, data: {}, evidence: { matches: [] } };
    const self = { text: textOf(analysis), height: analysis.height };
    const banner = normalizeText(analysis.text.map((l) => l.text).join(''));
    const names = (id: string) => [id, ...(campaign.units.find((u) => u.id === id)?.aliases ?? [])].some((n) => banner.includes(normalizeText(n)));
    const judged = duplicates.flatMap((m) => {
      const identical = m.sha256 === analysis.sha256;
      const strong = identical || m.distance <= o.failDistance;
      if (!strong && m.distance > o.reviewDistance) return [];
      const otherMoment = !identical && !!analysis.capturedAt && !!m.capturedAt && Math.abs(seconds(analysis.capturedAt) - seconds(m.capturedAt)) >= MOMENT_SECONDS;
      // A mirrored copy's text reads backwards (OCR finds none, or garbage): when either shows legible text, the
      // banners cannot be compared, so a person looks (the theme-banner rule fails a backwards banner anyway).
      const unreadable = !identical && m.mirrored && (legibleIn(self, m).size >= 4 || legibleIn(m, self).size >= 4);
      const otherText = !identical && !m.mirrored && textDiffers(self, m);
      const outcome: [RuleStatus, string] | null =
        otherMoment || otherText
          ? strong ? ['pass', 'sameScene'] : null
          : m.relation === 'same-activity'
            ? strong && !unreadable ? ['pass', 'sameActivity'] : null
            : m.relation === 'other-unit' && names(unit.id) && !names(m.unit)
              ? ['pass', 'original']
              : strong && !unreadable ? ['fail', m.relation === 'renamed' ? 'renamed' : 'copy'] : ['review', 'similar'];
      if (!outcome) return [];
      const { text: _text, ...link } = m;
      return [{ m, status: outcome[0], messageId: outcome[1], match: { ...link, identical, otherMoment, otherText, unreadable } }];
    });
    judged.sort((a, b) => RANK[b.messageId]! - RANK[a.messageId]! || a.m.distance - b.m.distance);
    const evidence = { matches: judged.map((j) => j.match) };
    const top = judged[0];
    if (!top) return { status: 'pass', messageId: 'unique', value: null, threshold, data: {}, evidence };
    const why: Message = top.match.otherText
      ? { zh: '横幅文字不同', en: 'the banner text differs' }
      : top.match.otherMoment
        ? { zh: '拍摄时间不同', en: 'it was taken at another time' }
        : top.match.unreadable
          ? { zh: '镜像翻转，横幅文字无法比对', en: 'mirrored, so the banner text cannot be compared' }
          : { zh: '画面相近', en: 'the pictures are close' };
    const data = { file: top.m.file, where: where(top.m, campaign), distance: top.m.distance, why };
    return { status: top.status, messageId: top.messageId, value: top.m.distance, threshold, data, evidence };
  },
});
