// Rule uniform (二（三）3 规范着志愿服装): enough of the people in the photo wear the campaign's uniform colours (vest or cap).
import { z } from 'zod';
import type { PaletteColour, UpperBody } from '../analysis/types.ts';
import type { Message } from '../i18n/messages.ts';
import { defineRule } from './types.ts';

const colourName = z.enum(['red', 'orange', 'yellow', 'green', 'blue', 'pink']);

const options = z.object({
  /**
   * The uniform's colours, as palette names (src/analysis/uniform.ts): red vests and caps by default; e.g.
   * ["orange"] or ["blue"] for other teams, ["red", "orange"] where vests of both are worn (fractions add up).
   */
  colours: z.array(colourName).min(1).default(['red']),
  /** Fraction of the torso region (chest and shoulders under the face) in the uniform colours from which a vest counts. */
  minTorsoFraction: z.number().min(0).max(1).default(0.3),
  /** Also count a cap in the uniform colours (the region just above the face). */
  caps: z.boolean().default(true),
  /** Fraction of the cap region in the uniform colours from which a cap counts. */
  minCapFraction: z.number().min(0).max(1).default(0.35),
  /**
   * How much larger that fraction must be than beside the person (the background no detected person covers;
   * for a cap, at head height): a red banner, flag or backdrop makes both red, and then the colour is the
   * scene's, not the clothes'. On the labelled photos (`npm run eval`) 0.17–0.31 decide every red-vest label
   * alike (below, white shirts behind a red flag count; above, vests over a red banner are lost); 0.2 keeps
   * the most true vests.
   */
  minContrast: z.number().min(0).max(1).default(0.2),
  /** Uniformed people needed to pass (规范着志愿服装的志愿者). */
  min: z.number().int().positive().default(3),
  /**
   * Counts from min − reviewBelow up to min − 1 go to a person (masked or turned-away volunteers are missed).
   * One red-clad person alone is no uniformed team: a bystander in a red vest, a red top by a flag.
   */
  reviewBelow: z.number().int().min(0).default(1),
  /**
   * Share of the people that must be uniformed to pass; below it a person looks: volunteers serving many
   * residents, or a few people whose own clothes happen to be red. A third: the labelled red-vest photos
   * have 52–100 % uniformed faces, a group in its own clothes (a red suit, a red top) 27 %.
   */
  minShare: z.number().min(0).max(1).default(0.33),
  /** Faces scoring below this are not counted (as in participants). */
  minFaceScore: z.number().min(0).max(1).default(0.5),
});
type Options = z.infer<typeof options>;

const colourWords: Record<PaletteColour, { zh: string; en: string; short: string }> = {
  red: { zh: '红色', en: 'red', short: '红' },
  orange: { zh: '橙色', en: 'orange', short: '橙' },
  yellow: { zh: '黄色', en: 'yellow', short: '黄' },
  green: { zh: '绿色', en: 'green', short: '绿' },
  blue: { zh: '蓝色', en: 'blue', short: '蓝' },
  pink: { zh: '粉色', en: 'pink', short: '粉' },
};

/** "红色/橙色" · "red/orange", and the uniform as a fix names it: "红马甲、红帽子" · "red vests, red caps". */
function words(o: Options): { colours: Message; uniform: Message } {
  const w = o.colours.map((c) => colourWords[c]);
  const short = w.map((x) => x.short).join('/');
  const en = w.map((x) => x.en).join('/');
  return {
    colours: { zh: w.map((x) => x.zh).join('/'), en },
    uniform: o.caps ? { zh: `${short}马甲、${short}帽子`, en: `${en} vests, ${en} caps` } : { zh: `${short}马甲`, en: `${en} vests` },
  };
}

/** Whether a person shows the uniform on the torso (vest) and above the face (cap), with the fractions compared. */
function wears(u: UpperBody, o: Options) {
  const sum = (c: Record<PaletteColour, number> | null | undefined) => (c ? o.colours.reduce((s, k) => s + c[k], 0) : 0);
  const fractions = { torso: sum(u.torso?.colours), cap: sum(u.head?.colours), surround: sum(u.surround), besideHead: sum(u.besideHead) };
  return {
    vest: u.torso !== null && fractions.torso >= o.minTorsoFraction && fractions.torso - fractions.surround >= o.minContrast,
    cap: o.caps && u.head !== null && fractions.cap >= o.minCapFraction && fractions.cap - fractions.besideHead >= o.minContrast,
    fractions,
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

export default defineRule({
  meta: {
    id: 'uniform',
    title: { zh: '规范着志愿服装', en: 'Volunteer uniform' },
    clause: { ref: '二（三）3', text: '画面中要有规范着志愿服装的志愿者开展相应活动' },
    messages: {
      uniformed: {
        zh: '{{count}} 人穿着{{colours}}志愿服装（共 {{people}} 人，要求不少于 {{min}} 人）',
        en: '{{count}} of {{people}} people wear the {{colours}} volunteer uniform, at least {{min}} required',
      },
      lowShare: {
        zh: '{{count}} 人穿着{{colours}}服装，只占 {{people}} 人中的 {{percent}}%（通过要求 {{minPercent}}%），请人工确认是否为统一的志愿服装',
        en: '{{count}} of {{people}} people ({{percent}}%, under {{minPercent}}%) wear {{colours}}: check that this is the volunteer uniform',
      },
      borderline: {
        zh: '只有 {{count}} 人穿着{{colours}}志愿服装（共 {{people}} 人，要求不少于 {{min}} 人），请人工确认',
        en: 'Only {{count}} of {{people}} people wear the {{colours}} volunteer uniform ({{min}} required): please check',
      },
      tooFew: {
        zh: '{{count}} 人穿着{{colours}}志愿服装（共 {{people}} 人），要求不少于 {{min}} 人',
        en: '{{count}} of {{people}} people wear the {{colours}} volunteer uniform, at least {{min}} required',
      },
      noPeople: { zh: '画面中没有检测到人脸，无法核对志愿服装，请人工确认', en: 'No faces found, so the uniform could not be checked: please check by eye' },
      fewPeople: {
        zh: '只检测到 {{people}} 张人脸（少于 {{min}} 人），其中 {{count}} 人穿着{{colours}}志愿服装；戴口罩、侧身或背对镜头的志愿者可能未被检测到，请人工确认',
        en: 'Only {{people}} faces found (fewer than {{min}}), {{count}} of them in the {{colours}} uniform; masked, turned or turned-away volunteers may be missed: please check by eye',
      },
      notMeasured: {
        zh: '此分析结果没有服装颜色数据（旧版本的分析），请重新分析或人工确认',
        en: 'This analysis has no clothing colours (an older pipeline made it): re-analyse, or check by eye',
      },
    },
    fixes: {
      tooFew: {
        zh: '请让志愿者穿着统一的志愿者服装（{{uniform}}）出镜，正面拍摄，不要被横幅或他人遮挡。',
        en: 'Have the volunteers wear the volunteer uniform ({{uniform}}) in the photo, facing the camera, not hidden by a banner or other people.',
      },
      borderline: {
        zh: '如穿着志愿服装的志愿者不足 {{min}} 人，请换一张志愿者统一着装（{{uniform}}）的照片。',
        en: 'If fewer than {{min}} volunteers wear the uniform, choose a photo where they do ({{uniform}}).',
      },
      lowShare: {
        zh: '如画面中的志愿者没有统一着装，请让志愿者穿着志愿者服装（{{uniform}}）后重新拍摄。',
        en: 'If the volunteers in the photo are not in uniform, retake it with them wearing it ({{uniform}}).',
      },
    },
    options,
  },
  check(analysis, { options: o }) {
    const { colours, uniform } = words(o);
    const threshold = { min: o.min, minShare: o.minShare };
    const people = analysis.faces.map((f, i) => ({ f, i })).filter(({ f }) => f.score >= o.minFaceScore);
    const base = { threshold, data: { colours, uniform, min: o.min, people: people.length, count: 0 } };
    if (!analysis.upperBodies) return { ...base, status: 'review', messageId: 'notMeasured', value: null, evidence: {} };
    if (people.length === 0) return { ...base, status: 'review', messageId: 'noPeople', value: 0, evidence: { faces: [] } };

    const byFace = new Map(analysis.upperBodies.map((u) => [u.face, u]));
    const uniformed = people.flatMap(({ f, i }) => {
      const u = byFace.get(i);
      const w = u && wears(u, o);
      if (!w || !(w.vest || w.cap)) return [];
      const what = w.vest && w.cap ? 'vest+cap' : w.vest ? 'vest' : 'cap';
      const { torso, cap, surround, besideHead } = w.fractions;
      const fractions = { torso: round2(torso), cap: round2(cap), surround: round2(surround), besideHead: round2(besideHead) };
      return [{ face: i, box: f.box, score: f.score, wears: what, torsoBox: u.torso?.box ?? null, ...fractions }];
    });
    const count = uniformed.length;
    const share = count / people.length;
    const data = { ...base.data, count, percent: Math.round(share * 100), minPercent: Math.round(o.minShare * 100) };
    const evidence = { faces: uniformed.map(({ box, score }) => ({ box, score })), uniformed };
    const outcome = { ...base, data, value: count, evidence };
    if (count >= o.min && share >= o.minShare) return { ...outcome, status: 'pass', messageId: 'uniformed' };
    if (count >= o.min) return { ...outcome, status: 'review', messageId: 'lowShare' };
    if (count >= o.min - o.reviewBelow) return { ...outcome, status: 'review', messageId: 'borderline' };
    // Fewer faces than the minimum: too few people seen to say the team is not uniformed (as with no faces).
    if (people.length < o.min) return { ...outcome, status: 'review', messageId: 'fewPeople' };
    return { ...outcome, status: 'fail', messageId: 'tooFew' };
  },
});
