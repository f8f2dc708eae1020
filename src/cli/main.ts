// The photocheck command line: picks a command, validates its flags once (zod), then hands over to it.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { submittedAtSchema } from '../campaign/deadline.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang } from '../i18n/messages.ts';
import { help } from './help.ts';

/**
 * A command: its flags (for node:util parseArgs), a zod schema that validates them (defaults live there),
 * and a run function loaded lazily, so that `--help` does not load TensorFlow.js or onnxruntime.
 */
interface Command<S extends z.ZodType> {
  options: NonNullable<ParseArgsConfig['options']>;
  schema: S;
  run: (flags: z.infer<S>, positionals: string[]) => Promise<number>;
}

const langFlag = { lang: z.enum(['zh', 'en']).default('zh') };

/** `--format` of check and submit: views of the one Report (src/report/). xlsx is binary, so it needs --out. */
const reportFormat = z.enum(['table', 'json', 'html', 'xlsx', 'csv']).default('table');
const xlsxNeedsOut: [(f: { format: string; out?: string }) => boolean, { path: string[]; message: string }] = [
  (f) => f.format !== 'xlsx' || f.out !== undefined,
  { path: ['out'], message: '--format xlsx 需要 --out <文件>.xlsx / --format xlsx needs --out <file>.xlsx' },
];

const checkSchema = z.object({
  ...langFlag,
  unit: z.string().min(1).optional(),
  activity: z.string().min(1).optional(),
  campaign: z.string().min(1).optional(),
  format: reportFormat,
  out: z.string().min(1).optional(),
  ocr: z.enum(['ppocr', 'tesseract']).default('ppocr'),
  faces: z.string().min(1).optional(),
  jobs: z.coerce.number().int().min(1).max(64).optional(),
  cache: z.string().min(1).optional(),
  'submitted-at': submittedAtSchema.optional(),
  quiet: z.boolean().default(false),
}).refine(...xlsxNeedsOut);

const evalSchema = z.object({
  ...langFlag,
  labels: z.string().min(1).optional(),
  campaign: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  compare: z.array(z.string().min(1)).default([]),
  format: z.enum(['table', 'json']).default('table'),
  out: z.string().min(1).optional(),
  jobs: z.coerce.number().int().min(1).max(64).optional(),
  cache: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});

// Service commands (issue 3): defaults come from the environment where the README says so.
const env = (name: string, fallback: string) => () => process.env[name] || fallback;
const serviceFlags = {
  data: z.string().min(1).default(env('PHOTOCHECK_DATA', './data')),
  redis: z.string().min(1).default(env('REDIS_URL', 'redis://127.0.0.1:6379')),
  prefix: z.string().min(1).regex(/^[\w.-]+$/, 'letters, digits, _ . - only').default(env('PHOTOCHECK_QUEUE_PREFIX', 'photocheck')),
  campaign: z.string().min(1).optional(),
  faces: z.string().min(1).optional(),
  ocr: z.enum(['ppocr', 'tesseract']).optional(),
};
const serviceOptions = {
  data: { type: 'string' },
  redis: { type: 'string' },
  prefix: { type: 'string' },
  campaign: { type: 'string' },
  faces: { type: 'string' },
  ocr: { type: 'string' },
  lang: { type: 'string' },
} as const;

const serveSchema = z.object({
  ...langFlag,
  ...serviceFlags,
  port: z.coerce.number().int().min(0).max(65535).default(() => Number(process.env.PORT || 8080)),
  host: z.string().min(1).default(env('HOST', '127.0.0.1')),
});

const workerSchema = z.object({
  ...langFlag,
  ...serviceFlags,
  concurrency: z.coerce.number().int().min(1).max(64).optional(),
  'lock-duration': z.coerce.number().int().min(1000).optional(),
  'stalled-interval': z.coerce.number().int().min(500).optional(),
  grace: z.coerce.number().positive().optional(),
});

const submitSchema = z.object({
  ...langFlag,
  server: z.url({ protocol: /^https?$/, error: 'give --server http://host:port or set PHOTOCHECK_SERVER' }).prefault(env('PHOTOCHECK_SERVER', '')),
  token: z.string().min(1, 'give --token or set PHOTOCHECK_TOKEN').prefault(env('PHOTOCHECK_TOKEN', '')),
  unit: z.string().min(1).optional(),
  activity: z.string().min(1).optional(),
  mode: z.enum(['merge', 'replace']).optional(),
  campaign: z.string().min(1).optional(),
  format: reportFormat,
  out: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
  interval: z.coerce.number().positive().default(1),
  timeout: z.coerce.number().positive().default(3600),
}).refine(...xlsxNeedsOut);

const reviewSchema = z
  .object({
    ...langFlag,
    server: submitSchema.shape.server,
    token: submitSchema.shape.token,
    submission: z.coerce.number().int().positive(),
    file: z.string().min(1),
    pass: z.boolean().default(false),
    fail: z.boolean().default(false),
    remove: z.boolean().default(false),
    note: z.string().default(''),
  })
  .refine((f) => [f.pass, f.fail, f.remove].filter(Boolean).length === 1, { path: ['pass'], message: '请给出 --pass、--fail、--remove 之一 / give one of --pass, --fail, --remove' });

const tokenSchema = z.object({
  ...langFlag,
  data: serviceFlags.data,
  campaign: z.string().min(1).optional(),
  collector: z.boolean().default(false),
  label: z.string().min(1).optional(),
});

const benchSchema = z.object({
  ...langFlag,
  config: z.string().min(1).optional(),
  compare: z.array(z.string().min(1)).default([]),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  repeat: z.coerce.number().int().min(1).max(100).default(3),
  'no-baseline': z.boolean().default(false),
  format: z.enum(['table', 'json']).default('table'),
  out: z.string().min(1).optional(),
  campaign: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});

const commands: Record<string, Command<z.ZodType>> = {
  check: {
    options: {
      unit: { type: 'string' },
      activity: { type: 'string' },
      campaign: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
      ocr: { type: 'string' },
      faces: { type: 'string' },
      jobs: { type: 'string' },
      cache: { type: 'string' },
      'submitted-at': { type: 'string' },
      quiet: { type: 'boolean' },
    },
    schema: checkSchema,
    run: async (flags: z.infer<typeof checkSchema>, paths) => {
      const { checkCommand } = await import('./check.ts');
      const { 'submitted-at': submittedAt, ...rest } = flags;
      await checkCommand({ ...rest, submittedAt, paths });
      return 0;
    },
  } satisfies Command<typeof checkSchema> as Command<z.ZodType>,
  eval: {
    options: {
      labels: { type: 'string' },
      campaign: { type: 'string' },
      config: { type: 'string' },
      compare: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
      jobs: { type: 'string' },
      cache: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    schema: evalSchema,
    run: async (flags: z.infer<typeof evalSchema>, paths) => {
      const { evalCommand } = await import('../eval/command.ts');
      await evalCommand({ ...flags, paths });
      return 0;
    },
  } satisfies Command<typeof evalSchema> as Command<z.ZodType>,
  bench: {
    options: {
      config: { type: 'string' },
      compare: { type: 'string', multiple: true },
      threads: { type: 'string' },
      repeat: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      campaign: { type: 'string' },
      lang: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    schema: benchSchema,
    run: async (flags: z.infer<typeof benchSchema>, paths) => {
      const { benchCommand } = await import('../bench/command.ts');
      const { 'no-baseline': noBaseline, ...rest } = flags;
      await benchCommand({ ...rest, noBaseline, paths });
      return 0;
    },
  } satisfies Command<typeof benchSchema> as Command<z.ZodType>,
  serve: {
    options: { ...serviceOptions, port: { type: 'string' }, host: { type: 'string' } },
    schema: serveSchema,
    run: async (flags: z.infer<typeof serveSchema>, positionals) => {
      if (positionals.length > 0) throw usage(`多余的参数 ${positionals.join(' ')} / unexpected ${positionals.join(' ')}`);
      const { serveCommand } = await import('./serve.ts');
      await serveCommand(flags);
      return 0;
    },
  } satisfies Command<typeof serveSchema> as Command<z.ZodType>,
  worker: {
    options: { ...serviceOptions, concurrency: { type: 'string' }, 'lock-duration': { type: 'string' }, 'stalled-interval': { type: 'string' }, grace: { type: 'string' } },
    schema: workerSchema,
    run: async (flags: z.infer<typeof workerSchema>, positionals) => {
      if (positionals.length > 0) throw usage(`多余的参数 ${positionals.join(' ')} / unexpected ${positionals.join(' ')}`);
      const { workerCommand } = await import('./worker.ts');
      await workerCommand({
        redisUrl: flags.redis,
        data: flags.data,
        prefix: flags.prefix,
        faces: flags.faces,
        ocr: flags.ocr,
        concurrency: flags.concurrency,
        lockDuration: flags['lock-duration'],
        stalledInterval: flags['stalled-interval'],
        grace: flags.grace,
      });
      return 0;
    },
  } satisfies Command<typeof workerSchema> as Command<z.ZodType>,
  submit: {
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      unit: { type: 'string' },
      activity: { type: 'string' },
      mode: { type: 'string' },
      campaign: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
      quiet: { type: 'boolean' },
      interval: { type: 'string' },
      timeout: { type: 'string' },
    },
    schema: submitSchema,
    run: async (flags: z.infer<typeof submitSchema>, paths) => {
      const { submitCommand } = await import('./submit.ts');
      await submitCommand({ ...flags, paths });
      return 0;
    },
  } satisfies Command<typeof submitSchema> as Command<z.ZodType>,
  review: {
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      submission: { type: 'string' },
      file: { type: 'string' },
      pass: { type: 'boolean' },
      fail: { type: 'boolean' },
      remove: { type: 'boolean' },
      note: { type: 'string' },
      lang: { type: 'string' },
    },
    schema: reviewSchema,
    run: async (flags: z.infer<typeof reviewSchema>, positionals) => {
      if (positionals.length > 0) throw usage(`多余的参数 ${positionals.join(' ')} / unexpected ${positionals.join(' ')}`);
      const { reviewCommand } = await import('./review.ts');
      const action = flags.pass ? 'pass' : flags.fail ? 'fail' : 'remove';
      await reviewCommand({ server: flags.server, token: flags.token, submission: flags.submission, file: flags.file, action, note: flags.note, lang: flags.lang });
      return 0;
    },
  } satisfies Command<typeof reviewSchema> as Command<z.ZodType>,
  token: {
    options: { data: { type: 'string' }, campaign: { type: 'string' }, collector: { type: 'boolean' }, label: { type: 'string' }, lang: { type: 'string' } },
    schema: tokenSchema,
    run: async (flags: z.infer<typeof tokenSchema>, positionals) => {
      const { tokenCommand } = await import('./token.ts');
      await tokenCommand({ ...flags, positionals });
      return 0;
    },
  } satisfies Command<typeof tokenSchema> as Command<z.ZodType>,
};

function langOf(argv: string[]): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const v = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  return v === 'en' ? 'en' : 'zh';
}

function usage(reason: string): PhotocheckError {
  return new PhotocheckError('PC_ERR_USAGE', { reason });
}

/** Runs the CLI; returns the exit code (0 ran, 2 bad usage, 1 other failure). */
export async function main(argv: string[]): Promise<number> {
  const lang = langOf(argv);
  try {
    const [name, ...rest] = argv;
    if (!name || name === '-h' || name === '--help' || name === 'help') {
      (name ? process.stdout : process.stderr).write(help[lang]);
      return name ? 0 : 2;
    }
    const command = commands[name];
    if (!command) throw usage(`未知命令 ${name} / unknown command ${name}`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(help[lang]);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, allowPositionals: true, options: command.options });
    } catch (err) {
      throw usage((err as Error).message);
    }
    const flags = command.schema.safeParse(parsed.values);
    if (!flags.success) {
      const i = flags.error.issues[0]!;
      throw usage(`--${i.path.join('.')}: ${i.message}`);
    }
    return await command.run(flags.data, parsed.positionals);
  } catch (err) {
    if (err instanceof PhotocheckError) {
      process.stderr.write(`photocheck: ${err.messageIn(lang)}\n`);
      return err.status === 400 ? 2 : 1;
    }
    process.stderr.write(`photocheck: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
