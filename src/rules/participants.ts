// Rule participants (二（三）3 参与人数20人以上): enough people in the photo, counted from detected faces.
import { z } from 'zod';
import { defineRule } from './types.ts';

const options = z.object({
  /** Minimum number of people (参与人数…人以上). */
  min: z.number().int().positive().default(20),
  /** Counts from min − reviewBelow up to min − 1 go to a person (faces hidden by masks or turned away are missed). */
  reviewBelow: z.number().int().min(0).default(2),
  /** Counts from min up to min + reviewAbove − 1 go to a person (a false detection could make up the number). */
  reviewAbove: z.number().int().min(0).default(2),
  /** Faces scoring below this are not counted. */
  minFaceScore: z.number().min(0).max(1).default(0.5),
});

export default defineRule({
  meta: {
    id: 'participants',
    title: { zh: '参与人数', en: 'Participants' },
    clause: { ref: '二（三）3', text: '画面中要有规范着志愿服装的志愿者开展相应活动，参与人数20人以上' },
    messages: {
      enough: { zh: '检测到 {{count}} 人，不少于 {{min}} 人', en: '{{count}} people found, at least {{min}} required' },
      borderline: {
        zh: '检测到 {{count}} 人，接近 {{min}} 人的要求，请人工核对人数',
        en: '{{count}} people found, close to the {{min}} required: please count by eye',
      },
      tooFew: { zh: '检测到 {{count}} 人，要求不少于 {{min}} 人', en: '{{count}} people found, at least {{min}} required' },
    },
    fixes: {
      tooFew: {
        zh: '请提交参与人数不少于 {{min}} 人的活动照片，拍摄时让参与者面向镜头、人脸不被遮挡。',
        en: 'Submit a photo with at least {{min}} participants, facing the camera with faces not covered.',
      },
      borderline: {
        zh: '如实际人数不足 {{min}} 人，请换一张参与人数更多的照片。',
        en: 'If fewer than {{min}} people took part, choose a photo with more participants.',
      },
    },
    options,
  },
  check(analysis, { options: o }) {
    const faces = analysis.faces.filter((f) => f.score >= o.minFaceScore);
    const count = faces.length;
    const data = { count, min: o.min };
    const outcome = { value: count, threshold: o.min, data, evidence: { faces } };
    if (count < o.min - o.reviewBelow) return { ...outcome, status: 'fail', messageId: 'tooFew' };
    if (count < o.min + o.reviewAbove) return { ...outcome, status: 'review', messageId: 'borderline' };
    return { ...outcome, status: 'pass', messageId: 'enough' };
  },
});
