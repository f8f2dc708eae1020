// Reads an evaluation labels file (labels.json): per photo the faces truth, the sharp/blurred label, the transcribed text lines and the red-vest label.
import { readFileSync } from 'node:fs';
import { PhotocheckError } from '../errors/catalogue.ts';
import { normalizeText, WILDCARD } from '../text/match.ts';

/** Stands for one uncertain character (`[x]` or `?` in a transcription) in a normalised pattern. */
export { WILDCARD };

export type SharpLabel = 'sharp' | 'blurred' | 'partial' | 'soft';

export interface FacesLabel {
  /** The count errors are measured against: faces_counted, else ground_truth.faces, else the middle of faces_range. */
  truth: number;
  truthSource: 'counted' | 'groundTruth' | 'rangeMid';
  /** Plausible range of visible faces (faces_range; else [truth, truth]). The ≥ N decision is bucketed on it. */
  range: [number, number];
  /** Faces counted by eye, or null when the labeller did not count them. */
  counted: number | null;
}

/** Whether the photo shows volunteers in red vests (caps): yes, partly (a few volunteers, sashes, caps), or no. */
export type VestLabel = 'yes' | 'partial' | 'no';

export interface VestsLabel {
  label: VestLabel;
  /** The parenthesised note of expected_rule_inputs.red_vests, e.g. "1 person" (null: none). */
  note: string | null;
  /** labels.vests, the labeller's description (who wears what), or null. */
  description: string | null;
}

export interface TextLabelLine {
  /** Where it came from: text_main, text_other or banner. */
  field: string;
  /** The transcribed fragment as written (with `[x]` / `?` marks). */
  raw: string;
  /** normalizeText(raw) with every uncertain character replaced by WILDCARD. */
  pattern: string;
  /** Characters that count: pattern length without wildcards. */
  length: number;
}

export interface PhotoLabel {
  file: string;
  /** A, B, C, D… from the `category` field or the file-name prefix. */
  category: string;
  faces: FacesLabel | null;
  sharp: { label: SharpLabel; source: string } | null;
  /** Transcribed lines of legible text (empty: none transcribed). */
  text: TextLabelLine[];
  /** Normalised transcription without uncertain characters, for keyword look-up. */
  transcript: string;
  /** expected_rule_inputs.red_vests, or null when the photo has no vest label. */
  vests: VestsLabel | null;
}

export interface LabelSet {
  file: string;
  photos: PhotoLabel[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Load and parse a labels file; a missing or malformed file is a usage error. */
export function loadLabels(file: string): LabelSet {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: `无法读取标注文件 ${file} / cannot read labels file ${file}: ${(err as Error).message}` });
  }
  return { file, photos: parseLabels(data, file) };
}

/** Parse labels data: `{ images: [...] }` or a bare array of image entries. */
export function parseLabels(data: unknown, source = '(labels)'): PhotoLabel[] {
  const images = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.images) ? data.images : null;
  if (!images) throw new PhotocheckError('PC_ERR_USAGE', { reason: `${source}: 应有 images 数组 / expected an "images" array` });
  return images.map((entry, i) => {
    if (!isObject(entry) || typeof entry.file !== 'string' || !entry.file) {
      throw new PhotocheckError('PC_ERR_USAGE', { reason: `${source}: images[${i}] 缺少 file / images[${i}] has no "file"` });
    }
    return parsePhotoLabel(entry);
  });
}

export function parsePhotoLabel(entry: Json): PhotoLabel {
  const file = entry.file as string;
  const labels = isObject(entry.labels) ? entry.labels : {};
  const expected = isObject(entry.expected_rule_inputs) ? entry.expected_rule_inputs : {};
  const category = typeof entry.category === 'string' && entry.category ? entry.category : (/^([A-Za-z])_/.exec(file)?.[1] ?? '?');
  const text = textLines(labels);
  return {
    file,
    category: category.toUpperCase(),
    faces: facesLabel(labels),
    sharp: sharpLabel(file, category.toUpperCase(), labels, expected),
    text,
    transcript: text.map((l) => l.pattern.replaceAll(WILDCARD, '')).join('\n'),
    vests: vestsLabel(file, labels, expected),
  };
}

// ── faces ────────────────────────────────────────────────────────────────────────────────────────────

export function facesLabel(labels: Json): FacesLabel | null {
  const counted = num(labels.faces_counted);
  const gt = isObject(labels.ground_truth) ? num(labels.ground_truth.faces) : num(labels.ground_truth);
  const r = labels.faces_range;
  const range: [number, number] | null =
    Array.isArray(r) && r.length === 2 && num(r[0]) !== null && num(r[1]) !== null
      ? [Math.min(r[0] as number, r[1] as number), Math.max(r[0] as number, r[1] as number)]
      : null;
  if (counted !== null) return { truth: counted, truthSource: 'counted', range: range ?? [counted, counted], counted };
  if (gt !== null) return { truth: gt, truthSource: 'groundTruth', range: range ?? [gt, gt], counted: null };
  if (range) return { truth: (range[0] + range[1]) / 2, truthSource: 'rangeMid', range, counted: null };
  return null;
}

// ── sharp / blurred ──────────────────────────────────────────────────────────────────────────────────

/** Reads a free-text sharpness label: "sharp", "blurred (motion)", "partially blurred", "yes (…)", "no", "soft (…)". */
export function readSharpText(s: string): SharpLabel | null {
  const t = s.trim().toLowerCase();
  if (/^partial|partially/.test(t)) return 'partial';
  if (/^soft/.test(t)) return 'soft';
  if (/^(yes|sharp)\b/.test(t)) return 'sharp';
  if (/^(no|blur|defocus|motion)/.test(t)) return 'blurred';
  return null;
}

/**
 * blur_label, else expected_rule_inputs.sharp, else (category C) the file's _S / _F / _M suffix;
 * photos of other categories are sharp unless labelled otherwise.
 */
export function sharpLabel(file: string, category: string, labels: Json, expected: Json): PhotoLabel['sharp'] {
  for (const [source, v] of [
    ['blur_label', labels.blur_label],
    ['expected_rule_inputs.sharp', expected.sharp],
  ] as const) {
    if (typeof v === 'string') {
      const label = readSharpText(v);
      if (label) return { label, source };
    }
  }
  const suffix = /_([SFM])\.[^.]+$/i.exec(file)?.[1]?.toUpperCase();
  if (suffix) return { label: suffix === 'S' ? 'sharp' : 'blurred', source: `file name _${suffix}` };
  if (category === 'C') return null;
  return { label: 'sharp', source: 'default' };
}

// ── red vests ────────────────────────────────────────────────────────────────────────────────────────

/**
 * expected_rule_inputs.red_vests: exactly "yes", "partial" or "no", optionally followed by a note in
 * parentheses ("no (1 person)", "partial (1 volunteer)"). Anything else is refused: a label the eval
 * cannot read must be fixed, not scored as something it does not say.
 */
export function readVestText(s: string): { label: VestLabel; note: string | null } | null {
  const m = /^(yes|partial|no)(?:\s*\(([^()]*)\))?$/.exec(s.trim().toLowerCase());
  return m ? { label: m[1] as VestLabel, note: m[2]?.trim() || null } : null;
}

function vestsLabel(file: string, labels: Json, expected: Json): VestsLabel | null {
  const v = expected.red_vests;
  if (v === undefined || v === null) return null;
  const read = typeof v === 'string' ? readVestText(v) : null;
  if (!read) {
    throw new PhotocheckError('PC_ERR_USAGE', {
      reason: `${file}: expected_rule_inputs.red_vests 应为 yes、partial 或 no（可加括号说明），而不是 ${JSON.stringify(v)} / expected_rule_inputs.red_vests must be yes, partial or no (with an optional note in parentheses), not ${JSON.stringify(v)}`,
    });
  }
  return { ...read, description: typeof labels.vests === 'string' ? labels.vests : null };
}

// ── transcriptions ───────────────────────────────────────────────────────────────────────────────────

/** Lines from labels.text_main, labels.text_other and labels.banner.text (unless banner.present is false). */
function textLines(labels: Json): TextLabelLine[] {
  const fields: [string, unknown][] = [
    ['text_main', labels.text_main],
    ['text_other', labels.text_other],
  ];
  if (isObject(labels.banner) && labels.banner.present !== false) fields.push(['banner', labels.banner.text]);
  const out: TextLabelLine[] = [];
  for (const [field, value] of fields) {
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    for (const t of texts) for (const raw of transcriptionLines(t)) {
      const line = labelLine(field, raw);
      if (line && !out.some((l) => l.pattern === line.pattern)) out.push(line);
    }
  }
  return out;
}

/** A fragment must have this many certain characters (after normalisation) to be scored. */
export const minLineLength = 2;

export function labelLine(field: string, raw: string): TextLabelLine | null {
  const pattern = labelPattern(raw);
  const length = [...pattern].filter((c) => c !== WILDCARD).length;
  return length >= minLineLength ? { field, raw, pattern, length } : null;
}

/** normalizeText with each character inside `[…]`, and each `?`, turned into one WILDCARD. */
export function labelPattern(raw: string): string {
  const marked = raw
    .replace(/\[([^\]]*)\]/g, (_, inner: string) => WILDCARD.repeat([...normalizeText(inner)].length || 1))
    .replace(/[?？]/g, WILDCARD);
  return normalizeText(marked);
}

/**
 * The text fragments in a free-text transcription such as
 * `red shop sign: '小户園美食'; sub-line (small): '主营：肠粉 蒸饺' / 'b超' (partly hidden)` or `中国农业银行 / AGRICULTURAL BANK`.
 * - text in single quotes '…' is transcription; ` / ` inside it separates lines;
 * - parenthesised notes (…) outside quotes are comments and dropped, quotes inside them too;
 * - unquoted pieces (split at ` / `, `;`, `,`, `:`) are transcription only when they contain no lower-case
 *   Latin letter (lower case marks the labeller's English description: "small line", "wall");
 * - `…` / `...` marks text left out (cut off, hidden): the line is split there into separate fragments.
 */
export function transcriptionLines(s: string): string[] {
  const quoted: string[] = [];
  let unquoted = '';
  let i = 0;
  const chars = [...s];
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '(') {
      let depth = 1;
      i++;
      while (i < chars.length && depth > 0) {
        if (chars[i] === '(') depth++;
        else if (chars[i] === ')') depth--;
        i++;
      }
      unquoted += ' ; ';
      continue;
    }
    if (c === "'" && !isWord(chars[i - 1])) {
      let j = i + 1;
      while (j < chars.length && !(chars[j] === "'" && !isWord(chars[j + 1]))) j++;
      quoted.push(chars.slice(i + 1, j).join(''));
      unquoted += ' ; ';
      i = j + 1;
      continue;
    }
    unquoted += c;
    i++;
  }
  const lines = quoted.flatMap((q) => q.split(/\s+\/\s+/));
  for (const piece of unquoted.split(/\s+\/\s+|[;,:]/)) {
    const p = piece.trim();
    if (p && !/[a-z]/.test(p) && /[\p{L}\p{N}]/u.test(p)) lines.push(p);
  }
  return lines
    .flatMap((l) => l.split(/…|\.\.\./))
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
