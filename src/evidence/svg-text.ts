// Text in SVG overlays for evidence pictures: width estimates, line wrapping, and whether a CJK font is installed.
import { execFileSync } from 'node:child_process';

/** Wide (CJK, full-width) characters take 1 em; others at most about 0.55 em in Noto Sans CJK (measured ≈ 0.47 on average). */
const wide = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Estimated width of `text` in px at `fontSize`; deliberately generous, so wrapped lines never overflow. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += wide.test(ch) ? 1 : 0.55;
  return em * fontSize;
}

/** Breaks text into lines no wider than `maxWidth` (between words for Latin text, anywhere in CJK text). */
export function wrap(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  // Tokens: a run of Latin letters/digits (kept whole where possible), or any single other character.
  for (const token of text.match(/[A-Za-z0-9.,%:/()\-–'"]+|\s+|./gu) ?? []) {
    const next = line + token;
    if (line !== '' && textWidth(next.trimEnd(), fontSize) > maxWidth) {
      lines.push(line.trimEnd());
      line = token.trimStart();
    } else {
      line = next;
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

let cjk: boolean | undefined;
/**
 * Whether fontconfig (which sharp's SVG renderer uses) has a font for Chinese: Debian's fonts-noto-cjk
 * (`apt-get install fonts-noto-cjk`). Without one, Chinese would be drawn as empty boxes.
 */
export function hasCjkFont(): boolean {
  if (cjk === undefined) {
    try {
      cjk = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    } catch {
      cjk = false;
    }
  }
  return cjk;
}

/** The font family list for every text in the overlays. */
export const fontFamily = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif";
