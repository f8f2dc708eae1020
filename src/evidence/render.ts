// Evidence pictures (issue 5): the photo downscaled, without metadata, with what the rules found drawn on it and the results beneath.
import sharp from 'sharp';
import type { Box } from '../analysis/types.ts';
import type { PhotoResult } from '../check/check-photo.ts';
import type { Lang, Message } from '../i18n/messages.ts';
import { labels } from '../report/table.ts';
import { escapeMarkup } from '../util/escape.ts';
import { fontFamily, hasCjkFont, textWidth, wrap } from './svg-text.ts';

export interface EvidenceOptions {
  /** Long side of the picture in px (the caption band below adds to its height); never enlarged. Default 1280. */
  longSide?: number;
  /** Language of the caption and labels. Default 'zh'; without a CJK font installed the caption falls back to 'en'. */
  lang?: Lang;
}

/** Status colours, shared by the caption's pills and the banner's label. */
const statusColours = { pass: '#1a7f37', review: '#b35900', fail: '#cf222e', error: '#57606a' } as const;
const colours = { face: '#00e5ff', uniform: '#ffd400', banner: '#39ff14', text: '#ffffff', ink: '#1f2328', muted: '#57606a' };

const words = {
  legend: {
    zh: '青框：检测到的人脸（编号）　黄色编号、黄色虚线：着志愿服装　绿框：主题字样　白色虚线：其他文字',
    en: 'Cyan: faces found (numbered) · yellow number, dashed yellow: in uniform · green: theme text · dashed white: other text',
  },
  themeText: { zh: '主题字样', en: 'theme text' },
  reviewed: { zh: '人工复核', en: 'Reviewer' },
} satisfies Record<string, Message>;

/**
 * Renders the evidence picture of a checked photo: a JPEG with the long side at `longSide`, EXIF-oriented,
 * with no metadata at all (no EXIF, GPS, XMP or ICC: sharp writes none unless asked). Drawn on it, scaled
 * from original-image pixels: every counted face boxed and numbered 1…n in the order of `result.people.faces`
 * (uniformed people with a yellow number and their torso region dashed), the theme text line that the
 * theme-banner rule matched outlined and labelled with what was read, other text lines faintly. Beneath: the
 * verdict, the reviewer's decision if any, and each rule's status and message. Throws sharp's error when `bytes` is not a decodable image.
 */
export async function renderEvidence(bytes: Buffer, result: PhotoResult, opts: EvidenceOptions = {}): Promise<Buffer> {
  const longSide = opts.longSide ?? 1280;
  if (!Number.isInteger(longSide) || longSide < 16) throw new TypeError(`Expected an integer ≥ 16 for longSide but received ${longSide}`);
  const cjk = hasCjkFont();
  const lang: Lang = cjk ? (opts.lang ?? 'zh') : 'en';

  const input = () => sharp(bytes, { autoOrient: true, failOn: 'error', limitInputPixels: 200_000_000 });
  const meta = await input().metadata();
  const ow = meta.autoOrient?.width ?? meta.width;
  const oh = meta.autoOrient?.height ?? meta.height;
  const k = Math.min(1, longSide / Math.max(ow, oh));
  const width = Math.max(1, Math.round(ow * k));
  const height = Math.max(1, Math.round(oh * k));

  const fontSize = Math.max(13, Math.min(26, Math.round(width / 56)));
  const caption = captionSvg(result, lang, width, fontSize);
  const overlay = result.image ? marksSvg(result, width / result.image.width, height / result.image.height, fontSize, cjk) : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + caption.height}" font-family="${escapeMarkup(fontFamily)}">${overlay}<g transform="translate(0 ${height})">${caption.svg}</g></svg>`;

  return input()
    .resize(width, height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .extend({ bottom: caption.height, background: '#ffffff' })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 82 })
    .toBuffer();
}

/** Face boxes and numbers, uniform marks and text outlines, in picture pixels. */
function marksSvg(result: PhotoResult, sx: number, sy: number, fontSize: number, cjk: boolean): string {
  const scale = (b: Box) => ({ x: b.x * sx, y: b.y * sy, w: b.width * sx, h: b.height * sy });
  const rect = (b: Box, style: string) => {
    const r = scale(b);
    return `<rect x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.w.toFixed(1)}" height="${r.h.toFixed(1)}" fill="none" ${style}/>`;
  };
  const stroke = Math.max(2, Math.round(fontSize / 9));
  const out: string[] = [];

  // Text: the matched theme line prominently, every other line faintly (labelled only when nothing matched).
  const theme = result.rules.find((r) => r.id === 'theme-banner');
  const matched = theme?.evidence.textLines?.filter((l) => l.matched !== undefined) ?? [];
  const isMatched = (b: Box) => matched.some((m) => sameBox(m.box, b));
  for (const line of result.text.lines.filter((l) => !isMatched(l.box))) {
    out.push(rect(line.box, `stroke="${colours.text}" stroke-opacity="0.8" stroke-width="${stroke / 2}" stroke-dasharray="${stroke * 3} ${stroke * 2}"`));
    if (matched.length === 0 && cjk) out.push(label(scale(line.box), line.text, Math.round(fontSize * 0.75), 'rgba(0,0,0,0.55)', colours.text));
  }
  for (const line of matched) {
    out.push(rect(line.box, `stroke="${colours.banner}" stroke-width="${stroke * 1.5}"`));
    const text = cjk ? `“${line.text}”` : words.themeText.en;
    out.push(label(scale(line.box), text, fontSize, statusColours[theme!.status], '#ffffff'));
  }

  // Uniformed people (rule uniform): their torso region dashed, their face number on yellow.
  const uniformed = (result.rules.find((r) => r.id === 'uniform')?.evidence.uniformed ?? []) as { box: Box; torsoBox: Box | null }[];
  for (const u of uniformed) {
    if (u.torsoBox) out.push(rect(u.torsoBox, `stroke="${colours.uniform}" stroke-width="${stroke}" stroke-dasharray="${stroke * 3} ${stroke * 2}"`));
  }
  const faceSize = Math.max(10, Math.round(fontSize * 0.7));
  result.people.faces.forEach((f, i) => {
    out.push(rect(f.box, `stroke="${colours.face}" stroke-width="${stroke}"`));
    const inUniform = uniformed.some((u) => sameBox(u.box, f.box));
    out.push(label(scale(f.box), String(i + 1), faceSize, inUniform ? colours.uniform : colours.face, colours.ink));
  });
  return out.join('');
}

/** A filled tag with text, just above the box's top-left corner (inside the box when there is no room above). */
function label(b: { x: number; y: number; w: number; h: number }, text: string, size: number, bg: string, fg: string): string {
  const pad = Math.round(size * 0.25);
  const w = textWidth(text, size) + 2 * pad;
  const h = Math.round(size * 1.3);
  const y = b.y - h >= 0 ? b.y - h : b.y;
  return (
    `<rect x="${b.x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h}" fill="${bg}"/>` +
    `<text x="${(b.x + pad).toFixed(1)}" y="${(y + size * 1.02).toFixed(1)}" font-size="${size}" font-weight="700" fill="${fg}">${escapeMarkup(text)}</text>`
  );
}

/** The caption band: verdict, file and people count, each rule's status and message, and a legend. */
function captionSvg(result: PhotoResult, lang: Lang, width: number, fontSize: number): { svg: string; height: number } {
  const margin = Math.round(fontSize * 0.6);
  const lineH = Math.round(fontSize * 1.35);
  const out: string[] = [];
  let y = margin;

  const pill = (x: number, status: keyof typeof statusColours, size: number) => {
    const text = labels.verdict[status][lang];
    const w = textWidth(text, size) + size * 0.6;
    out.push(`<rect x="${x}" y="${(y + lineH * 0.08).toFixed(1)}" width="${w.toFixed(1)}" height="${(size * 1.2).toFixed(1)}" rx="${size * 0.25}" fill="${statusColours[status]}"/>`);
    out.push(`<text x="${(x + size * 0.3).toFixed(1)}" y="${(y + size * 1.0).toFixed(1)}" font-size="${size}" font-weight="700" fill="#ffffff">${escapeMarkup(text)}</text>`);
    return x + w + size * 0.4;
  };
  const text = (x: number, s: string, size: number, fill: string, weight = 400) =>
    out.push(`<text x="${x.toFixed(1)}" y="${(y + size * 1.0).toFixed(1)}" font-size="${size}" font-weight="${weight}" fill="${fill}">${escapeMarkup(s)}</text>`);

  // Verdict line.
  const people = result.verdict === 'error' ? '' : `　${labels.people[lang]} ${result.people.count}`;
  const head = pill(margin, result.verdict, fontSize);
  for (const [i, l] of wrap(`${result.file}${people}`, fontSize, width - head - margin).entries()) {
    if (i > 0) y += lineH;
    text(head, l, fontSize, colours.ink, 700);
  }
  y += lineH * 1.15;

  // The reviewer's decision (it is the verdict above), then one block per rule (or the error).
  const small = Math.max(12, Math.round(fontSize * 0.85));
  const smallH = Math.round(small * 1.35);
  const colon = lang === 'zh' ? '：' : ': ';
  const review = result.review
    ? [{ status: result.review.decision, text: `${words.reviewed[lang]}${colon}${result.review.note || labels.verdict[result.review.decision][lang]} — ${result.review.by}` }]
    : [];
  const rows: { status: keyof typeof statusColours; text: string }[] = result.error
    ? [{ status: 'error', text: result.error.message[lang] }]
    : [...review, ...result.rules.map((r) => ({ status: r.status, text: `${r.title[lang]}${colon}${r.message[lang]}` }))];
  const indent = margin + Math.max(...(['pass', 'review', 'fail', 'error'] as const).map((s) => textWidth(labels.verdict[s][lang], small))) + small * 1.0;
  for (const row of rows) {
    pill(margin, row.status, small);
    for (const [i, l] of wrap(row.text, small, width - indent - margin).entries()) {
      if (i > 0) y += smallH;
      text(indent, l, small, colours.ink);
    }
    y += smallH * 1.1;
  }

  // Legend on a dark strip, in the overlay's own colours.
  const tiny = Math.max(11, Math.round(fontSize * 0.65));
  const legend = wrap(words.legend[lang], tiny, width - 2 * margin);
  const legendH = legend.length * Math.round(tiny * 1.35) + margin;
  out.push(`<rect x="0" y="${y.toFixed(1)}" width="${width}" height="${legendH}" fill="#30363d"/>`);
  y += margin / 2;
  for (const l of legend) {
    text(margin, l, tiny, '#e6edf3');
    y += Math.round(tiny * 1.35);
  }
  y += margin / 2;
  const height = Math.ceil(y);
  return { svg: `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>${out.join('')}`, height };
}

function sameBox(a: Box, b: Box): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
