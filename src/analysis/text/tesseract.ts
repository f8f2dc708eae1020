// tesseract.js (chi_sim, LSTM) text reader: the fallback engine for the theme-banner clause, fully offline.
import { dirname, join } from 'node:path';
import Tesseract from 'tesseract.js';
import { modelPath, packageDir } from '../model-files.ts';
import type { Box, RgbImage, TextLine, TextReader } from '../types.ts';
import { checkImage, readingOrder } from './ppocr.ts';

/** Options of {@link TesseractReader}. Every field is optional; the defaults are in {@link tesseractDefaults}. */
export interface TesseractOptions {
  /**
   * Tesseract page segmentation mode. Default 3 (fully automatic). Measured on whole 1280–1920 px photos
   * (7 rendered lines in 6 photos, 2 photos without text): PSM 3 mean character accuracy 0.48 and no text
   * in either photo without text; PSM 11 (sparse text, ml-stack's whole-photo setting) 0.44 with 6–36 junk
   * lines scoring up to 0.88. Neither is reliable: tesseract reads some banners exactly and others not at all.
   */
  psm?: 3 | 4 | 6 | 11 | 12;
  /** Lines whose confidence (tesseract's 0–100, divided by 100) is below this are not returned (nor lines without a letter or digit). Default 0.3. */
  minScore?: number;
}

export const tesseractDefaults: Readonly<Required<TesseractOptions>> = Object.freeze({ psm: 3, minScore: 0.3 });

const PSMS = [3, 4, 6, 11, 12] as const;

/** Defaults, then the caller's options, then validation; throws a TypeError naming the bad field. */
export function resolveTesseractOptions(options: TesseractOptions = {}): Readonly<Required<TesseractOptions>> {
  const resolved = { ...tesseractDefaults };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'psm') {
      if (!PSMS.includes(value as never)) throw new TypeError(`Expected one of ${PSMS.join(', ')} for psm but received ${String(value)}`);
      resolved.psm = value as (typeof PSMS)[number];
    } else if (key === 'minScore') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new TypeError(`Expected a number between 0 and 1 for minScore but received ${String(value)}`);
      resolved.minScore = value;
    } else {
      throw new TypeError(`Unknown TesseractReader option "${key}"; expected one of psm, minScore`);
    }
  }
  return Object.freeze(resolved);
}

// Han characters, CJK and full-width punctuation, and the curly quotes, dashes and ellipsis used in Chinese text.
const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef\\u2014\\u2018-\\u201d\\u2026\\u00b7';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');

/** Removes the spaces tesseract puts between CJK characters (and CJK punctuation); keeps them between Latin words. */
export function joinCjk(text: string): string {
  return text.replace(SPACE_BETWEEN_CJK, '').replace(/\s+/g, ' ').trim();
}

/**
 * tesseract.js 7 with the chi_sim LSTM model (`4.0.0_best_int`) from @tesseract.js-data/chi_sim, read from
 * node_modules (never from a CDN; the unzipped model is not cached to disk). The image goes in as an
 * uncompressed PPM. One tesseract worker thread, created on first use; call `dispose()` to end it.
 * Much weaker than PP-OCRv4 on photos (ml-stack: 0.34–0.39 character accuracy on the real banners).
 */
export class TesseractReader implements TextReader {
  readonly name = 'tesseract-chi_sim';
  readonly options: Readonly<Required<TesseractOptions>>;
  #worker: Promise<Tesseract.Worker> | null = null;

  constructor(options: TesseractOptions = {}) {
    this.options = resolveTesseractOptions(options);
  }

  async read(image: RgbImage): Promise<TextLine[]> {
    checkImage(image);
    const worker = await this.#load();
    // tesseract.js looks for an EXIF orientation pattern in the first 500 bytes of any input; a PPM comment
    // keeps pixel bytes out of them so no photo can be turned by accident.
    const header = Buffer.from(`P6\n#${' '.repeat(500)}\n${image.width} ${image.height}\n255\n`, 'ascii');
    const ppm = Buffer.concat([header, image.data]);
    const { data } = await worker.recognize(ppm, {}, { blocks: true, text: false });
    const lines: TextLine[] = [];
    for (const line of (data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines))) {
      const text = joinCjk(line.text);
      const score = Math.min(1, Math.max(0, line.confidence / 100));
      const box = clipBox(line.bbox, image.width, image.height);
      if (box && score >= this.options.minScore && /[\p{L}\p{N}]/u.test(text)) lines.push({ text, box, score });
    }
    return readingOrder(lines);
  }

  async dispose(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await (await worker).terminate();
  }

  #load(): Promise<Tesseract.Worker> {
    this.#worker ??= (async () => {
      const worker = await Tesseract.createWorker('chi_sim', Tesseract.OEM.LSTM_ONLY, {
        langPath: dirname(modelPath('tesseract-chi-sim')),
        gzip: true,
        cacheMethod: 'none',
        workerPath: join(packageDir('tesseract.js'), 'src', 'worker-script', 'node', 'index.js'),
        corePath: packageDir('tesseract.js-core'),
      });
      await worker.setParameters({
        tessedit_pageseg_mode: String(this.options.psm) as Tesseract.PSM,
        debug_file: '/dev/null', // tesseract's own warnings ("Estimating resolution as …") go nowhere
      });
      return worker;
    })();
    this.#worker.catch(() => (this.#worker = null));
    return this.#worker;
  }
}

function clipBox(b: Tesseract.Bbox, width: number, height: number): Box | null {
  const x0 = Math.max(0, Math.min(width, b.x0));
  const y0 = Math.max(0, Math.min(height, b.y0));
  const x1 = Math.max(0, Math.min(width, b.x1));
  const y1 = Math.max(0, Math.min(height, b.y1));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}
