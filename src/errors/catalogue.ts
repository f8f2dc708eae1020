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
  // ── queue and service (issue 3) ──
  PC_ERR_REDIS_UNREACHABLE: {
    status: 503,
    zh: '连接不上 Redis（{{url}}）：{{reason}}。请启动 Redis（redis-server，或 docker compose up redis），或用 REDIS_URL 指定地址。',
    en: 'Cannot reach Redis at {{url}}: {{reason}}. Start Redis (redis-server, or docker compose up redis) or point REDIS_URL at it.',
  },
  PC_ERR_REDIS_EVICTION: {
    status: 500,
    zh: 'Redis（{{url}}）的 maxmemory-policy 是 {{policy}}，队列任务可能被清除。请在 redis.conf 中设置 maxmemory-policy noeviction（或执行 redis-cli CONFIG SET maxmemory-policy noeviction）。',
    en: 'Redis at {{url}} has maxmemory-policy {{policy}}, which may evict queued jobs. Set maxmemory-policy noeviction in redis.conf (or run redis-cli CONFIG SET maxmemory-policy noeviction).',
  },
  PC_ERR_QUEUE_UNAVAILABLE: {
    status: 503,
    zh: '照片已保存（提交 {{submission}}），但暂时无法加入检查队列：{{reason}}。Redis 恢复后会自动排队，请稍后查看进度。',
    en: 'The photos are saved (submission {{submission}}) but could not be queued: {{reason}}. They are queued automatically once Redis is back; check the progress later.',
  },
  PC_ERR_PHOTO_MISSING: {
    status: 500,
    zh: '数据目录 {{dir}} 中找不到照片 {{sha256}}（{{reason}}）。检查程序（worker）必须能读取服务数据目录中的 photos/（共享或只读挂载，用 PHOTOCHECK_DATA / --data 指向）。',
    en: 'Photo {{sha256}} is not in the data directory {{dir}} ({{reason}}). Workers need read access to the photos/ of the service data directory (a shared or read-only mount, named by PHOTOCHECK_DATA / --data).',
  },
  PC_ERR_ANALYSIS_VERSION: {
    status: 500,
    zh: '此 worker 的分析版本是 {{worker}}，任务需要 {{job}}。请让服务和所有 worker 使用相同的 --faces/--ocr 设置和相同版本的 photocheck。',
    en: 'This worker analyses as {{worker}} but the job needs {{job}}. Run the service and every worker with the same --faces/--ocr settings and the same photocheck version.',
  },
  PC_ERR_AUTH_REQUIRED: {
    status: 401,
    zh: '需要访问令牌。请在请求头中加上 Authorization: Bearer <令牌>（photocheck submit 用 --token 或 PHOTOCHECK_TOKEN）；令牌由管理员用 photocheck token create 生成。',
    en: 'An access token is required. Send Authorization: Bearer <token> (photocheck submit takes --token or PHOTOCHECK_TOKEN); an administrator creates tokens with photocheck token create.',
  },
  PC_ERR_TOKEN_INVALID: {
    status: 401,
    zh: '访问令牌无效或已作废。请向管理员索取新令牌（photocheck token create）。',
    en: 'The access token is unknown or revoked. Ask an administrator for a new one (photocheck token create).',
  },
  PC_ERR_FORBIDDEN: {
    status: 403,
    zh: '此令牌只能访问“{{own}}”的数据，不能访问“{{unit}}”的。',
    en: 'This token may access the data of "{{own}}" only, not of "{{unit}}".',
  },
  PC_ERR_COLLECTOR_ONLY: {
    status: 403,
    zh: '只有汇总单位（{{collector}}）的令牌可以{{action}}。',
    en: 'Only the collector\'s ({{collector}}) token may {{action}}.',
  },
  PC_ERR_NOT_FOUND: {
    status: 404,
    zh: '没有找到{{what}}。',
    en: 'Not found: {{what}}.',
  },
  PC_ERR_BAD_REQUEST: {
    status: 400,
    zh: '请求有误：{{issues}}',
    en: 'Bad request: {{issues}}',
  },
  PC_ERR_TOO_LARGE: {
    status: 413,
    zh: '上传内容过大：{{reason}}（每张照片不超过 {{maxFileMb}} MB，每次不超过 {{maxFiles}} 张）。',
    en: 'The upload is too large: {{reason}} (at most {{maxFileMb}} MB per photo and {{maxFiles}} photos per upload).',
  },
  PC_ERR_INTERNAL: {
    status: 500,
    zh: '服务内部出错（{{reason}}）。详情见服务日志。',
    en: 'Internal error ({{reason}}). The service log has the details.',
  },
  PC_ERR_SERVER: {
    status: 502,
    zh: '服务 {{server}} 出错：{{reason}}',
    en: 'The service at {{server}} failed: {{reason}}',
  },
  // ── reviewers' decisions (issue 4) ──
  PC_ERR_NOT_REVIEWABLE: {
    status: 409,
    zh: '照片 {{file}}（提交 {{submission}}）{{reason}}，不能人工复核。',
    en: 'Photo {{file}} (submission {{submission}}) {{reason}}, so it cannot be reviewed.',
  },
} as const satisfies Record<string, Message & { status: number }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An expected, explained failure. `message` is English; `messageIn(lang)` gives either language. */
export class PhotocheckError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;
  readonly status: number;

  constructor(code: ErrorCode, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(format(errorCatalogue[code].en, data, 'en'), options);
    this.name = 'PhotocheckError';
    this.code = code;
    this.data = data;
    this.status = errorCatalogue[code].status;
  }

  messageIn(lang: Lang): string {
    return format(errorCatalogue[this.code][lang], this.data, lang);
  }

  toJSON(): { code: ErrorCode; message: Message } {
    return { code: this.code, message: { zh: this.messageIn('zh'), en: this.messageIn('en') } };
  }
}
