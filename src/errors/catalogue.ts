// The catalogue of photocheck errors: a code, zh/en text saying how to fix it, and an HTTP status.
import { format, type Lang, type Message } from '../i18n/messages.ts';

export const errorCatalogue = {
  PC_ERR_MODEL_MISSING: {
    status: 500,
    zh: '找不到模型文件 {{file}}。请在项目目录运行 npm ci，安装 {{pkg}}。',
    en: 'Model file {{file}} is missing. Run npm ci in the project folder to install {{pkg}}.',
  },
  PC_ERR_MODEL_CHECKSUM: {
    status: 500,
    zh: '模型文件 {{file}} 校验失败（应为 {{expected}}，实为 {{actual}}）。请删除 node_modules 后重新运行 npm ci。',
    en: 'Model file {{file}} has the wrong checksum (expected {{expected}}, got {{actual}}). Delete node_modules and run npm ci again.',
  },
  PC_ERR_NOT_IMAGE: {
    status: 422,
    zh: '无法读取图片：{{reason}}。请提交 JPEG、PNG、WebP 或 HEIC 格式的照片原图。',
    en: 'Cannot read the image: {{reason}}. Submit the original photo as JPEG, PNG, WebP or HEIC.',
  },
  PC_ERR_FILE_UNREADABLE: {
    status: 422,
    zh: '无法读取文件：{{reason}}。',
    en: 'Cannot read the file: {{reason}}.',
  },
  PC_ERR_CAMPAIGN_INVALID: {
    status: 400,
    zh: '活动配置文件 {{file}} 有误：{{issues}}',
    en: 'Campaign file {{file}} is invalid: {{issues}}',
  },
  PC_ERR_UNKNOWN_UNIT: {
    status: 400,
    zh: '活动配置中没有单位“{{unit}}”。可选：{{choices}}',
    en: 'The campaign has no unit "{{unit}}". Choose one of: {{choices}}',
  },
  PC_ERR_UNKNOWN_ACTIVITY: {
    status: 400,
    zh: '活动配置中没有活动“{{activity}}”。可用编号（1–{{count}} 或 一、二…）或名称：{{choices}}',
    en: 'The campaign has no activity "{{activity}}". Use its number (1–{{count}}) or name: {{choices}}',
  },
  PC_ERR_USAGE: {
    status: 400,
    zh: '用法错误：{{reason}}。运行 photocheck --help 查看用法。',
    en: 'Bad usage: {{reason}}. Run photocheck --help for usage.',
  },
  PC_ERR_NO_PHOTOS: {
    status: 400,
    zh: '在 {{path}} 中没有找到照片（支持 .jpg .jpeg .png .webp .heic）。',
    en: 'No photos found in {{path}} (.jpg .jpeg .png .webp .heic are read).',
  },
  PC_ERR_ANALYSIS_FAILED: {
    status: 500,
    zh: '分析照片时出错：{{reason}}',
    en: 'Analysing the photo failed: {{reason}}',
  },
} as const satisfies Record<string, Message & { status: number }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An expected, explained failure. `message` is English; `messageIn(lang)` gives either language. */
export class PhotocheckError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;
  readonly status: number;

  constructor(code: ErrorCode, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(format(errorCatalogue[code].en, data), options);
    this.name = 'PhotocheckError';
    this.code = code;
    this.data = data;
    this.status = errorCatalogue[code].status;
  }

  messageIn(lang: Lang): string {
    return format(errorCatalogue[this.code][lang], this.data);
  }

  toJSON(): { code: ErrorCode; message: Message } {
    return { code: this.code, message: { zh: this.messageIn('zh'), en: this.messageIn('en') } };
  }
}
