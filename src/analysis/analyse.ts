// analyse(): one decode shared by every stage → sharpness, exposure, faces, text, clothing colours, perceptual hash → the Analysis of a photo.
import { createFaceDetector } from './faces/index.ts';
import { createTextReader } from './text/index.ts';
import { decodePhoto, type DecodedPhoto, type ScaledRgb } from './decode.ts';
import { measureExposure, measureSharpness } from './sharpness.ts';
import { perceptualHash } from './phash.ts';
import { measureUpperBodies } from './uniform.ts';
import type { Analysis, Box, FaceDetector, TextReader } from './types.ts';

/** Bump when anything in the pipeline changes what an analysis contains. */
const PIPELINE_VERSION = 5; // 2: upperBodies (clothing colours under faces), phash; 3: PP-OCR detects text at 1152 px (was 1440);
// 4: text lines read from the photo itself, PP-OCR scores a detected line over its own pixels, block-aware reading order;
// 5: a line detection split in two is joined before it is read

/** Longest side (px) of the photo text lines are read from (the `source` of TextReader.read): a 12 MP photo whole. */
const TEXT_SOURCE_LONG_SIDE = 4096;

export interface AnalyserOptions {
  /** Face engine: see createFaceDetector. Default 'ssd-onnx-tiled' (same detections as face-api's SSD, ~4× faster). */
  faces?: string;
  /** Text engine: 'ppocr' (PP-OCRv4) or 'tesseract'. Default 'ppocr'. */
  text?: string;
  /** Long side (px) of the shared image that faces and text are found on; small photos are enlarged to it. Default 1920. */
  workingLongSide?: number;
  /** Long side (px) sharpness is scored at; small photos are scored at their own size, never enlarged. Default 1024. */
  sharpnessLongSide?: number;
  /** Side (px) of the square tiles the `*-tiled` face engines look at (each is letterboxed to 512 px). Default 640. */
  tileSize?: number;
  /**
   * Long side (px) PP-OCR detects text at (`text: 'ppocr'` only; lines are read from the photo itself). Default 1152:
   * as accurate as 1440 on the labelled photos and on 10–24 px characters; `npm run bench`: 6–12 % less CPU per 12 MP
   * photo and 80–120 MB less peak memory per thread.
   */
  ocrLongSide?: number;
  /**
   * onnxruntime intra-op threads per session (`ssd-onnx*` faces, `ppocr` text). Default 1 here; the thread pool sets
   * it to its share of the cores (coreSplit in pool.ts: 1 with a thread per core, 2 with one thread on 2 cores). Results do not
   * depend on it, so it is not part of the analysis version.
   */
  ortThreads?: number;
}

export const analyserDefaults: Readonly<Required<AnalyserOptions>> = Object.freeze({
  faces: 'ssd-onnx-tiled',
  text: 'ppocr',
  workingLongSide: 1920,
  sharpnessLongSide: 1024,
  tileSize: 640,
  ocrLongSide: 1152,
  ortThreads: 1,
});

export type NumericAnalyserOption = 'workingLongSide' | 'sharpnessLongSide' | 'tileSize' | 'ocrLongSide' | 'ortThreads';

/** Allowed integer range of each numeric option. */
export const analyserOptionRanges: Readonly<Record<NumericAnalyserOption, readonly [min: number, max: number]>> = Object.freeze({
  workingLongSide: [64, 16384],
  sharpnessLongSide: [64, 16384],
  tileSize: [64, 4096],
  ocrLongSide: [64, 8192],
  ortThreads: [1, 64],
});

export function resolveAnalyserOptions(options: AnalyserOptions = {}): Required<AnalyserOptions> {
  const o = { ...analyserDefaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  for (const [k, [min, max]] of Object.entries(analyserOptionRanges) as [NumericAnalyserOption, readonly [number, number]][]) {
    if (!Number.isInteger(o[k]) || o[k] < min || o[k] > max) throw new TypeError(`Expected an integer between ${min} and ${max} for ${k} but received ${o[k]}`);
  }
  return o;
}

/** The analysis version for these options: cached analyses are reused only under the same version. */
export function analysisVersion(options: AnalyserOptions = {}): string {
  const o = resolveAnalyserOptions(options);
  // Settings added later are named only when they differ from the default and matter to the engines chosen,
  // so versions of earlier analyses stay valid.
  const tile = o.faces.endsWith('-tiled') && o.tileSize !== analyserDefaults.tileSize ? `:tile${o.tileSize}` : '';
  const ocr = o.text === 'ppocr' && o.ocrLongSide !== analyserDefaults.ocrLongSide ? `:ocr${o.ocrLongSide}` : '';
  return `a${PIPELINE_VERSION}:${o.faces}:${o.text}:${o.workingLongSide}:${o.sharpnessLongSide}${tile}${ocr}`;
}

function scaleBox(box: Box, scale: number, width: number, height: number): Box {
  const x = Math.max(0, box.x / scale);
  const y = Math.max(0, box.y / scale);
  return {
    x: round1(x),
    y: round1(y),
    width: round1(Math.min(width - x, box.width / scale)),
    height: round1(Math.min(height - y, box.height / scale)),
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

type StageTimer = ReturnType<typeof stageTimer>;
/** Milliseconds per stage, added up when a stage runs more than once (decode: the file, then the sharpness size). */
function stageTimer() {
  const timings: Record<string, number> = {};
  const time = async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[stage] = Math.round(((timings[stage] ?? 0) + performance.now() - t0) * 10) / 10;
    }
  };
  return { time, timings };
}

/** Turns photo bytes into an Analysis with engines loaded once and kept. Not thread-safe across calls: await each. */
export class LocalAnalyser {
  readonly version: string;
  readonly options: Required<AnalyserOptions>;
  private faceDetector?: FaceDetector;
  private textReader?: TextReader;

  constructor(options: AnalyserOptions = {}) {
    this.options = resolveAnalyserOptions(options);
    this.version = analysisVersion(this.options);
  }

  private engines(): { faces: FaceDetector; text: TextReader } {
    const o = this.options;
    this.faceDetector ??= createFaceDetector(o.faces, { onnx: { intraOpNumThreads: o.ortThreads }, tiling: { tileSize: o.tileSize } });
    this.textReader ??=
      o.text === 'ppocr'
        ? createTextReader('ppocr', { detLongSide: o.ocrLongSide, intraOpNumThreads: o.ortThreads })
        : createTextReader(o.text as 'tesseract');
    return { faces: this.faceDetector, text: this.textReader };
  }

  /** The Analysis of a photo. */
  analyse(bytes: Buffer): Promise<Analysis> {
    return this.run(bytes, true);
  }

  /**
   * analyse() without the faces and what is measured under them (`faces: []`, `upperBodies: []`): the thread pool
   * runs those on another thread with findPeople() and puts them in, so a photo on its own uses both cores (faces,
   * the longest stage, on one; decode, sharpness, text and the hash on the other).
   */
  analyseWithoutPeople(bytes: Buffer): Promise<Analysis> {
    return this.run(bytes, false);
  }

  /** The faces and upper bodies of analyse(), from the same decode, with their stage times. */
  async findPeople(bytes: Buffer): Promise<Pick<Analysis, 'faces' | 'upperBodies' | 'timings'>> {
    const { time, timings } = stageTimer();
    const photo = await decodePhoto(bytes, { workingLongSide: this.options.workingLongSide });
    const work = await photo.rgb(this.options.workingLongSide, { upscale: true });
    return { ...(await this.people(photo, work, time)), timings };
  }

  private async people(photo: DecodedPhoto, work: ScaledRgb, time: StageTimer['time']): Promise<Pick<Analysis, 'faces' | 'upperBodies'>> {
    const { width, height } = photo;
    const found = await time('faces', () => this.engines().faces.detect(work.image));
    const faces = found.map((f) => ({ box: scaleBox(f.box, work.scale, width, height), score: round3(f.score) }));
    const upperBodies = await time('uniform', () => measureUpperBodies(work.image, work.scale, faces, width, height));
    return { faces, upperBodies };
  }

  private async run(bytes: Buffer, withPeople: boolean): Promise<Analysis> {
    const { time, timings } = stageTimer();
    const { faces: faceDetector, text: textReader } = this.engines();
    const photo = await time('decode', () => decodePhoto(bytes, { workingLongSide: this.options.workingLongSide }));
    const { width, height } = photo;
    const small = await time('decode', () => photo.rgb(this.options.sharpnessLongSide));
    const sharpness = await time('sharpness', () => measureSharpness(small.image));
    const exposure = measureExposure(small.image);
    const work = await time('resize', () => photo.rgb(this.options.workingLongSide, { upscale: true }));
    const { faces, upperBodies } = withPeople ? await this.people(photo, work, time) : { faces: [], upperBodies: [] };
    const text = await time('text', () => this.readLines(photo, work));
    const hashes = await time('phash', () => perceptualHash(small.image));
    return {
      version: this.version,
      sha256: photo.sha256,
      width,
      height,
      format: photo.format,
      bytes: photo.bytes,
      capturedAt: photo.capturedAt,
      sharpness,
      exposure,
      faces,
      text,
      upperBodies,
      phash: hashes.phash,
      phashMirrored: hashes.mirrored,
      engines: { faces: faceDetector.name, text: textReader.name },
      timings,
    };
  }

  // Text lines are found in the working image and read from the photo itself, never enlarged (the labelled photos,
  // all smaller than the working size, read 0.88 → 0.89 from their own pixels than from the enlarged copy). Only the
  // region around the lines that need it is decoded, after detection (text time includes it): npm run bench measured
  // 1011–1026 MB peak for 2 threads with the whole 12 MP photo decoded beside detection, 923 MB without, same output.
  private async readLines(photo: DecodedPhoto, work: ScaledRgb): Promise<Analysis['text']> {
    const { width, height } = photo;
    const sourceLong = Math.min(Math.max(width, height), TEXT_SOURCE_LONG_SIDE);
    const lines = await this.engines().text.read(work.image, photo.regions(sourceLong));
    return lines.map((l) => ({ text: l.text, box: scaleBox(l.box, work.scale, width, height), score: round3(l.score) }));
  }

  async dispose(): Promise<void> {
    await this.faceDetector?.dispose?.();
    await this.textReader?.dispose?.();
  }
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
