// Face detector `ssd-tfjs`: face-api's SSD MobileNet v1 run once on the whole image (letterboxed to 512×512), NMS on typed arrays.
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';
import { modelPath } from '../model-files.ts';
import type { Face, FaceDetector, RgbImage } from '../types.ts';

export interface SsdTfjsOptions {
  /** Keep detections whose score is strictly above this, in [0, 1) (face-api's semantics). Default 0.5. */
  minConfidence?: number;
  /** Return at most this many faces, best first (a positive integer). Default 200. */
  maxResults?: number;
}

export const ssdTfjsDefaults: Readonly<Required<SsdTfjsOptions>> = Object.freeze({ minConfidence: 0.5, maxResults: 200 });

/** The TensorFlow.js backend the SSD runs on: `tensorflow` when `@tensorflow/tfjs-node` is installed, else `wasm`. */
export type SsdTfjsBackend = 'tensorflow' | 'wasm';

/** IoU above which face-api's SSD suppresses the lower-scoring of two raw detections. */
export const SSD_NMS_IOU = 0.5;

const require = createRequire(import.meta.url);

/** Which backend this process will use (decided by whether `@tensorflow/tfjs-node` resolves; nothing is loaded). */
export function ssdTfjsBackend(): SsdTfjsBackend {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return 'tensorflow';
  } catch {
    return 'wasm';
  }
}

type FaceApiModule = typeof FaceApi;
interface LoadedSsd {
  faceapi: FaceApiModule;
  /** face-api's TensorFlow.js (its `tf` export, typed as the full @tensorflow/tfjs API it re-exports). */
  tf: typeof Tf;
  backend: SsdTfjsBackend;
}

let loading: Promise<LoadedSsd> | undefined;

/** Loads face-api and the SSD weights once per process; a failed load is retried on the next call. */
export function loadSsdTfjs(): Promise<LoadedSsd> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<LoadedSsd> {
  const backend = ssdTfjsBackend();
  let faceapi: FaceApiModule;
  if (backend === 'tensorflow') {
    faceapi = require('@vladmandic/face-api/dist/face-api.node.js') as FaceApiModule;
  } else {
    // The wasm binaries are local files in the backend package's own dist/ folder (checksummed); never a URL.
    modelPath('tfjs-wasm');
    const wasmDir = dirname(modelPath('tfjs-wasm-simd')) + sep;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string, usePlatformFetch?: boolean): void };
    wasm.setWasmPaths(wasmDir);
    faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  }
  const tf = faceapi.tf as unknown as typeof Tf;
  if (!(await tf.setBackend(backend))) {
    throw new Error(`TensorFlow.js backend "${backend}" failed to initialise; reinstall @tensorflow/tfjs-backend-wasm (npm ci).`);
  }
  await tf.ready();
  modelPath('ssd-weights'); // verify the .bin's checksum; face-api reads it next to the manifest
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dirname(modelPath('ssd-weights-manifest')));
  return { faceapi, tf, backend };
}

/** face-api's SSD MobileNet v1 on the whole image, once. Boxes are in pixels of the image passed in. */
export class SsdTfjsDetector implements FaceDetector {
  readonly name = 'ssd-tfjs';
  /** Backend used for inference (see `ssdTfjsBackend`). */
  readonly backend: SsdTfjsBackend = ssdTfjsBackend();
  readonly options: Readonly<Required<SsdTfjsOptions>>;

  constructor(options: SsdTfjsOptions = {}) {
    const merged = { ...ssdTfjsDefaults, ...definedOnly(options) };
    const { minConfidence, maxResults } = merged;
    if (typeof minConfidence !== 'number' || !(minConfidence >= 0 && minConfidence < 1)) {
      throw new TypeError(`Expected a number in [0, 1) for minConfidence but received ${String(minConfidence)}`);
    }
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw new TypeError(`Expected a positive integer for maxResults but received ${String(maxResults)}`);
    }
    this.options = Object.freeze(merged);
  }

  async detect(image: RgbImage): Promise<Face[]> {
    assertRgbImage(image);
    const { faceapi, tf } = await loadSsdTfjs();
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      // face-api's d.ts inlines its own copy of the tf types: same runtime objects, different declarations.
      const netInput = await faceapi.toNetInput(input as unknown as FaceApi.TNetInput);
      // Network + box decoding only; face-api's locateFaces would run its slow JS NMS next.
      const { boxes, scores } = faceapi.nets.ssdMobilenetv1.forwardInput(netInput);
      try {
        const [boxData, scoreData] = await Promise.all([boxes[0]!.data(), scores[0]!.data()]);
        return ssdPostprocess(boxData as Float32Array, scoreData as Float32Array, image.width, image.height, this.options);
      } finally {
        tf.dispose([...boxes, ...scores] as unknown as Tf.Tensor[]);
      }
    } finally {
      input.dispose();
    }
  }
}

/**
 * Turns the SSD's raw output into faces, as face-api's `locateFaces` does but on typed arrays:
 * scores strictly above minConfidence, greedy NMS at IoU > 0.5 (at most maxResults kept), boxes mapped
 * from the padded square back to image pixels and clipped; boxes left empty by clipping are dropped.
 * `boxes` holds [ymin, xmin, ymax, xmax] per anchor, normalised to the padded square; `scores` one per anchor.
 */
export function ssdPostprocess(
  boxes: Float32Array,
  scores: Float32Array,
  width: number,
  height: number,
  options: Readonly<Required<SsdTfjsOptions>> = ssdTfjsDefaults,
): Face[] {
  const { minConfidence, maxResults } = options;
  const candidates: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! > minConfidence) candidates.push(i);
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);

  const kept: number[] = [];
  for (const i of candidates) {
    if (kept.length >= maxResults) break;
    let suppressed = false;
    for (let k = kept.length - 1; k >= 0; k--) {
      if (iouYxyx(boxes, i, kept[k]!) > SSD_NMS_IOU) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(i);
  }

  const side = Math.max(width, height);
  const faces: Face[] = [];
  for (const i of kept) {
    const y0 = Math.min(Math.max(0, boxes[4 * i]!) * side, height);
    const x0 = Math.min(Math.max(0, boxes[4 * i + 1]!) * side, width);
    const y1 = Math.min(Math.min(1, boxes[4 * i + 2]!) * side, height);
    const x1 = Math.min(Math.min(1, boxes[4 * i + 3]!) * side, width);
    if (x1 > x0 && y1 > y0) faces.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score: scores[i]! });
  }
  return faces;
}

function iouYxyx(b: Float32Array, i: number, j: number): number {
  const iy0 = Math.min(b[4 * i]!, b[4 * i + 2]!), iy1 = Math.max(b[4 * i]!, b[4 * i + 2]!);
  const ix0 = Math.min(b[4 * i + 1]!, b[4 * i + 3]!), ix1 = Math.max(b[4 * i + 1]!, b[4 * i + 3]!);
  const jy0 = Math.min(b[4 * j]!, b[4 * j + 2]!), jy1 = Math.max(b[4 * j]!, b[4 * j + 2]!);
  const jx0 = Math.min(b[4 * j + 1]!, b[4 * j + 3]!), jx1 = Math.max(b[4 * j + 1]!, b[4 * j + 3]!);
  const areaI = (iy1 - iy0) * (ix1 - ix0);
  const areaJ = (jy1 - jy0) * (jx1 - jx0);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const inter = Math.max(Math.min(iy1, jy1) - Math.max(iy0, jy0), 0) * Math.max(Math.min(ix1, jx1) - Math.max(ix0, jx0), 0);
  return inter / (areaI + areaJ - inter);
}

/** The fields of an options object that are not undefined (so `{ x: undefined }` keeps x's default). */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Throws a TypeError unless `image` is a well-formed RgbImage (positive integer size, 3 bytes per pixel). */
export function assertRgbImage(image: RgbImage): void {
  const { width, height, data } = image ?? ({} as RgbImage);
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new TypeError(`Expected positive integer width and height for image but received ${String(width)}×${String(height)}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    const got = data instanceof Uint8Array ? `${data.length} bytes` : typeof data;
    throw new TypeError(`Expected a Uint8Array of ${width * height * 3} bytes (RGB) for image.data but received ${got}`);
  }
}
