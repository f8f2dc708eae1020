// Rule sharpness (二（三）1 画面清晰): the photo is large enough to judge, well exposed, in focus and not shaken.
import { z } from 'zod';
import { defineRule } from './types.ts';

const options = z.object({
  /** Photos whose long side (px) is below this are too small to judge (or to publish). */
  minLongSide: z.number().int().positive().default(400),
  /** Focus score below this fails: out of focus. */
  failBelow: z.number().positive().default(30),
  /** Focus score from failBelow up to passFrom goes to a person (soft, or shallow depth of field). */
  passFrom: z.number().positive().default(100),
  /** Weakest/strongest directional edge ratio below this fails: motion blur (camera shake). */
  motionRatioBelow: z.number().min(0).max(1).default(0.3),
  /** Mean luma (0–255) below this fails as too dark. */
  darkMeanBelow: z.number().min(0).max(255).default(30),
  /** Mean luma (0–255) above this fails as too bright. */
  brightMeanAbove: z.number().min(0).max(255).default(230),
  /** Fraction of clipped (black or white) pixels above this fails. */
  clippedFractionAbove: z.number().min(0).max(1).default(0.5),
});

export default defineRule({
  meta: {
    id: 'sharpness',
    title: { zh: '画面清晰', en: 'Sharpness' },
    clause: { ref: '二（三）1', text: '画面清晰整洁、现场无脏乱差、不文明等现象' },
    messages: {
      sharp: { zh: '画面清晰（清晰度 {{score}}）', en: 'Sharp (focus score {{score}})' },
      tooSmall: {
        zh: '照片太小（长边 {{longSide}} 像素，要求不少于 {{minLongSide}} 像素），无法判断是否清晰',
        en: 'Photo too small ({{longSide}} px long side, at least {{minLongSide}} px required) to judge sharpness',
      },
      tooDark: { zh: '照片太暗（平均亮度 {{meanLuma}}）', en: 'Photo too dark (mean brightness {{meanLuma}})' },
      tooBright: { zh: '照片过曝（平均亮度 {{meanLuma}}）', en: 'Photo overexposed (mean brightness {{meanLuma}})' },
      clipped: {
        zh: '照片大面积死黑或死白（{{percent}}% 的像素）',
        en: '{{percent}}% of the pixels are pure black or white',
      },
      blurred: {
        zh: '画面模糊（清晰度 {{score}}，要求不低于 {{passFrom}}）',
        en: 'Blurred (focus score {{score}}, {{passFrom}} required)',
      },
      motion: {
        zh: '画面有拖影，疑似拍摄时抖动（方向清晰度比 {{ratio}}，要求不低于 {{minRatio}}）',
        en: 'Motion blur from camera shake (directional ratio {{ratio}}, at least {{minRatio}} required)',
      },
      soft: {
        zh: '清晰度一般（{{score}}），请人工确认主体是否清晰',
        en: 'Somewhat soft (focus score {{score}}): check by eye that the subject is sharp',
      },
    },
    fixes: {
      tooSmall: {
        zh: '请提交手机或相机拍摄的原图，不要提交截图或经聊天软件压缩的图片。',
        en: 'Submit the original photo from the phone or camera, not a screenshot or a copy compressed by a chat app.',
      },
      tooDark: { zh: '请在光线充足处重新拍摄，或提交曝光正常的照片。', en: 'Retake in good light, or submit a well-exposed photo.' },
      tooBright: { zh: '请避免逆光或强光直射，提交曝光正常的照片。', en: 'Avoid shooting into strong light; submit a well-exposed photo.' },
      clipped: { zh: '请提交曝光正常的照片。', en: 'Submit a well-exposed photo.' },
      blurred: {
        zh: '请对焦清楚后重新拍摄，或从同一活动中选一张清晰的照片。',
        en: 'Retake with the subject in focus, or choose a sharp photo of the same activity.',
      },
      motion: {
        zh: '拍摄时请保持手机稳定，或从连拍中选一张没有拖影的照片。',
        en: 'Hold the camera steady, or choose a frame without motion blur.',
      },
    },
    options,
  },
  check(analysis, { options: o }) {
    const { score, directionalRatio } = analysis.sharpness;
    const { meanLuma, darkFraction, brightFraction } = analysis.exposure;
    const longSide = Math.max(analysis.width, analysis.height);
    const data = {
      score: Math.round(score),
      ratio: Math.round(directionalRatio * 100) / 100,
      minRatio: o.motionRatioBelow,
      passFrom: o.passFrom,
      longSide,
      minLongSide: o.minLongSide,
      meanLuma: Math.round(meanLuma),
      percent: Math.round((darkFraction + brightFraction) * 100),
    };
    const base = {
      value: Math.round(score * 10) / 10,
      threshold: { failBelow: o.failBelow, passFrom: o.passFrom, motionRatioBelow: o.motionRatioBelow },
      data,
      evidence: { score, directionalRatio, scoredLongSide: analysis.sharpness.scoredLongSide, meanLuma },
    };
    if (longSide < o.minLongSide) return { ...base, status: 'fail', messageId: 'tooSmall', value: longSide, threshold: o.minLongSide };
    if (meanLuma < o.darkMeanBelow) return { ...base, status: 'fail', messageId: 'tooDark' };
    if (meanLuma > o.brightMeanAbove) return { ...base, status: 'fail', messageId: 'tooBright' };
    if (darkFraction + brightFraction > o.clippedFractionAbove) return { ...base, status: 'fail', messageId: 'clipped' };
    if (score < o.failBelow) return { ...base, status: 'fail', messageId: 'blurred' };
    if (directionalRatio < o.motionRatioBelow) return { ...base, status: 'fail', messageId: 'motion' };
    if (score < o.passFrom) return { ...base, status: 'review', messageId: 'soft' };
    return { ...base, status: 'pass', messageId: 'sharp' };
  },
});
