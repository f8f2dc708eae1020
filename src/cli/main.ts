// The photocheck command line: picks a command, validates its flags once (zod), then hands over to it.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
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

const checkSchema = z.object({
  ...langFlag,
  unit: z.string().min(1).optional(),
  activity: z.string().min(1).optional(),
  campaign: z.string().min(1).optional(),
  format: z.enum(['table', 'json']).default('table'),
  out: z.string().min(1).optional(),
  ocr: z.enum(['ppocr', 'tesseract']).default('ppocr'),
  faces: z.string().min(1).optional(),
  jobs: z.coerce.number().int().min(1).max(64).optional(),
  cache: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});

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
      quiet: { type: 'boolean' },
    },
    schema: checkSchema,
    run: async (flags: z.infer<typeof checkSchema>, paths) => {
      const { checkCommand } = await import('./check.ts');
      await checkCommand({ ...flags, paths });
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
