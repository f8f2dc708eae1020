// Rule capture-date (photos of this campaign's activities): the EXIF capture time lies inside the campaign's window.
//
// No EXIF → review: WeChat, QQ and most messaging apps strip it, so its absence proves nothing.
// Another year → fail: a reused photo (or a camera whose clock was never set; a reviewer can override).
// Same year, outside the window → fail by default: phones take their clock from the network, so a date weeks
// away is evidence of another event; within `graceDays` of the window it goes to a person (a clock a few days
// off, an activity the evening before the month began). A campaign can send the same-year case to review.
// Late submission (after the deadline) is the service's business, marked on the submission, not here.
import { z } from 'zod';
import { defineRule } from './types.ts';

const options = z.object({
  /** Days before or after the window within which a date goes to a person instead of failing. */
  graceDays: z.number().int().min(0).default(3),
  /** A date outside the window (beyond graceDays) in the window's year(s): fail, or send it to a person. */
  outsideWindow: z.enum(['fail', 'review']).default('fail'),
});

const DAY = 86_400_000;
/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;

export default defineRule({
  meta: {
    id: 'capture-date',
    title: { zh: '拍摄日期', en: 'Capture date' },
    clause: { ref: '一、二（三）', text: '3月是学雷锋月……请各级各部门于3月25日前将活动图片信息报送党群工作部' },
    messages: {
      inWindow: { zh: '拍摄于 {{date}}，在活动期间（{{from}} 至 {{to}}）内', en: 'Taken on {{date}}, during the campaign ({{from}} to {{to}})' },
      nearWindow: {
        zh: '拍摄于 {{date}}，在活动期间（{{from}} 至 {{to}}）之外 {{days}} 天，可能是相机时间有偏差，请人工确认',
        en: 'Taken on {{date}}, {{days}} days outside the campaign ({{from}} to {{to}}): the camera clock may be off, please check',
      },
      outsideWindow: {
        zh: '拍摄于 {{date}}，不在活动期间（{{from}} 至 {{to}}）内',
        en: 'Taken on {{date}}, not during the campaign ({{from}} to {{to}})',
      },
      otherYear: {
        zh: '拍摄于 {{date}}（{{year}} 年），不是本次活动期间（{{from}} 至 {{to}}）的照片',
        en: 'Taken on {{date}} ({{year}}), not during this campaign ({{from}} to {{to}})',
      },
      noExif: {
        zh: '照片没有拍摄时间（EXIF 信息），经微信、QQ 等聊天软件发送的照片会丢失此信息，请人工确认拍摄日期',
        en: 'The photo has no capture time (EXIF); messaging apps such as WeChat remove it. Please check the date by eye',
      },
    },
    fixes: {
      noExif: {
        zh: '请提交手机相册中的原图（微信发送时勾选“原图”，或用数据线、网盘传输），以便核对拍摄日期。',
        en: 'Submit the original from the phone’s gallery (tick “Original” in WeChat, or copy it by cable or cloud drive) so the date can be checked.',
      },
      nearWindow: {
        zh: '如照片确实摄于活动期间（{{from}} 至 {{to}}），请向审核人员说明；否则请提交活动期间拍摄的照片。',
        en: 'If the photo was taken during the campaign ({{from}} to {{to}}), tell the reviewer; otherwise submit one that was.',
      },
      outsideWindow: {
        zh: '请提交本次活动期间（{{from}} 至 {{to}}）拍摄的照片；如相机日期设置有误，请向审核人员说明。',
        en: 'Submit a photo taken during the campaign ({{from}} to {{to}}); if the camera’s date is wrong, tell the reviewer.',
      },
      otherYear: {
        zh: '请提交本次活动期间（{{from}} 至 {{to}}）拍摄的照片；如相机日期设置有误，请向审核人员说明。',
        en: 'Submit a photo taken during the campaign ({{from}} to {{to}}); if the camera’s date is wrong, tell the reviewer.',
      },
    },
    options,
  },
  check(analysis, { options: o, campaign }) {
    const { from, to } = campaign.window;
    const threshold = `${from}/${to}`;
    const capturedAt = analysis.capturedAt;
    if (!capturedAt) return { status: 'review', messageId: 'noExif', value: null, threshold, data: { from, to }, evidence: { capturedAt: null } };

    const date = capturedAt.slice(0, 10);
    const year = Number(date.slice(0, 4));
    const day = dayNumber(date);
    const days = Math.max(0, dayNumber(from) - day, day - dayNumber(to));
    const outcome = { value: capturedAt, threshold, data: { date, from, to, days, year }, evidence: { capturedAt, daysOutside: days } };
    if (days === 0) return { ...outcome, status: 'pass', messageId: 'inWindow' };
    if (days <= o.graceDays) return { ...outcome, status: 'review', messageId: 'nearWindow' };
    if (year < Number(from.slice(0, 4)) || year > Number(to.slice(0, 4))) return { ...outcome, status: 'fail', messageId: 'otherYear' };
    return { ...outcome, status: o.outsideWindow, messageId: 'outsideWindow' };
  },
});
