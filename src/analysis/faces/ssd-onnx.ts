// FaceDetector running face-api's SSD MobileNet v1 weights as an ONNX graph on onnxruntime-node (participant count).
//
// Same faces as face-api's ssdMobilenetv1 on TensorFlow.js (test/engines/ssd-onnx-equivalence.test.ts), about 4×
// faster on CPU. One call looks at the whole image letterboxed to 512×512, like face-api: wrap it in the tiled
// detector to find small faces in a crowd.
import { InferenceSession, Tensor } from '../ort.ts';
import type { Face, FaceDetector, RgbImage } from '../types.ts';
import { modelPath } from '../model-files.ts';
import { defaultSsdModelCacheDir, ssdModel } from './ssd-onnx-cache.ts';
import {
  buildSsdOnnxModel,
  SSD_ANCHOR_COUNT,
  SSD_BOXES_NAME,
  SSD_INPUT_NAME,
  SSD_INPUT_SIZE,
  SSD_SCORES_NAME,
  type SsdPrecision,
  type SsdWeightFiles,
} from './ssd-onnx-graph.ts';
import { letterboxInput, selectBoxes } from './ssd-tensor-ops.ts';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'layout' | 'all';

export interface SsdOnnxOptions {
  /** Keep faces whose score is strictly above this, in [0, 1). Default 0.5 (face-api's default). */
  minConfidence?: number;
  /** At most this many faces per call, best first (positive integer). Default 200 (face-api: 100). */
  maxResults?: number;
  /** NMS: drop a box whose IoU with a better kept box is above this, in [0, 1]. Default 0.5 (fixed in face-api). */
  iouThreshold?: number;
  /**
   * onnxruntime threads inside one inference (positive integer). Default 1: the pipeline runs photos in parallel on
   * worker threads, one detector each, and extra intra-op threads would compete with them for the cores. Use 2+
   * only for a single detector on an otherwise idle machine (ml-stack notes: one 512 inference 72–82 ms on 1 thread,
   * 38–50 ms on 2; two workers × 1 thread gave the best throughput).
   */
  intraOpNumThreads?: number;
  /**
   * 'int8': the graph quantised to int8 (QLinearConv; ssd-onnx-graph.ts), 2.2× faster per inference on a CPU with
   * AVX-512 VNNI (23 vs 52 ms, one thread). Counts within ±1 face of 'float32' on the fixtures; on the labelled
   * photos count error 10.7 vs 9.9 %, the same ≥ 20 decisions (30/30). Fused at the default graphOptimizationLevel
   * 'all'. Default 'float32'.
   */
  precision?: SsdPrecision;
  /** onnxruntime graph optimisation. Default 'all' (fuses conv + batch norm + clip; 1.4–1.6× faster than 'extended'). */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** face-api weight files to build the graph from. Default: the checksummed files of models/manifest.json. */
  weightFiles?: SsdWeightFiles;
  /**
   * Directory the graph built from the weight files is kept in, so that every thread loads the file instead of
   * building it: ~65 MB less peak memory per thread (the bytes built in JavaScript are never returned to the OS).
   * Written on first use, checked by sha256 on load; `false` builds in memory every time. Default `.cache/models`
   * in the project (falls back to building in memory, with a warning, when it cannot be written).
   */
  modelCacheDir?: string | false;
}

export type ResolvedSsdOnnxOptions = Readonly<Required<Omit<SsdOnnxOptions, 'weightFiles'>>> & { weightFiles: SsdWeightFiles };

export const ssdOnnxDefaults = Object.freeze({
  minConfidence: 0.5,
  maxResults: 200,
  iouThreshold: 0.5,
  intraOpNumThreads: 1,
  precision: 'float32' as SsdPrecision,
  graphOptimizationLevel: 'all' as GraphOptimizationLevel,
  modelCacheDir: defaultSsdModelCacheDir as string | false,
});

const OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'layout', 'all'];
const PRECISIONS: readonly SsdPrecision[] = ['float32', 'int8'];

interface Loaded {
  session: InferenceSession;
  anchors: Float32Array;
}

export class SsdOnnxDetector implements FaceDetector {
  readonly name: string;
  readonly options: ResolvedSsdOnnxOptions;
  private loaded: Promise<Loaded> | undefined;
  /** The 3 MB input buffer, reused by the next call; concurrent calls allocate their own. */
  private spareInput: Float32Array | undefined;

  constructor(options: SsdOnnxOptions = {}) {
    this.options = Object.freeze(resolveOptions(options));
    this.name = this.options.precision === 'int8' ? 'ssd-onnx-int8' : 'ssd-onnx';
  }

  /** Builds the graph and the session now (~0.5 s) rather than on the first detect(); idempotent. */
  async load(): Promise<void> {
    await this.session();
  }

  async detect(image: RgbImage): Promise<Face[]> {
    checkImage(image);
    const { session, anchors } = await this.session();
    const buffer = this.spareInput ?? new Float32Array(3 * SSD_INPUT_SIZE * SSD_INPUT_SIZE);
    this.spareInput = undefined;
    let out: InferenceSession.ReturnType;
    try {
      const input = new Tensor('float32', letterboxInput(image, SSD_INPUT_SIZE, buffer), [1, 3, SSD_INPUT_SIZE, SSD_INPUT_SIZE]);
      out = await session.run({ [SSD_INPUT_NAME]: input });
    } finally {
      this.spareInput = buffer;
    }
    const scores = out[SSD_SCORES_NAME]!.data as Float32Array;
    const encodings = out[SSD_BOXES_NAME]!.data as Float32Array;
    const { indices, boxes } = selectBoxes(scores, encodings, anchors, this.options);

    // Relative coordinates are of the padded square: scale by its side, then clip to the image.
    const side = Math.max(image.width, image.height);
    const faces: Face[] = [];
    indices.forEach((anchor, n) => {
      const top = Math.max(0, boxes[n * 4]!) * side;
      const left = Math.max(0, boxes[n * 4 + 1]!) * side;
      const bottom = Math.min(Math.min(1, boxes[n * 4 + 2]!) * side, image.height);
      const right = Math.min(Math.min(1, boxes[n * 4 + 3]!) * side, image.width);
      if (right > left && bottom > top) {
        faces.push({ box: { x: left, y: top, width: right - left, height: bottom - top }, score: scores[anchor]! });
      }
    });
    return faces;
  }

  /** Releases the onnxruntime session; a later detect() builds it again. */
  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded) await (await loaded).session.release();
  }

  private session(): Promise<Loaded> {
    this.loaded ??= createSession(this.options).catch((error: unknown) => {
      this.loaded = undefined; // let a later call retry (e.g. after npm ci restored the model files)
      throw error;
    });
    return this.loaded;
  }
}

async function createSession(options: ResolvedSsdOnnxOptions): Promise<Loaded> {
  const { weightFiles, modelCacheDir, precision } = options;
  const manifestPath = weightFiles.manifestPath ?? modelPath('ssd-weights-manifest');
  const weightsPath = weightFiles.weightsPath ?? modelPath('ssd-weights');
  let model: string | Uint8Array;
  let anchors: Float32Array;
  if (modelCacheDir === false) ({ bytes: model, anchors } = buildSsdOnnxModel({ manifestPath, weightsPath }, precision));
  else ({ model, anchors } = ssdModel(modelCacheDir, manifestPath, weightsPath, precision));
  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimizationLevel,
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // One fixed input shape, yet the planned memory pattern only added ~35 MB per session at the same CPU time.
    enableMemPattern: false,
    // Idle intra-op threads sleep instead of spinning, so they leave the cores to the other workers.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const session = typeof model === 'string' ? await InferenceSession.create(model, sessionOptions) : await InferenceSession.create(model, sessionOptions);
  if (anchors.length !== SSD_ANCHOR_COUNT * 4) throw new Error(`SSD anchors: expected ${SSD_ANCHOR_COUNT}, got ${anchors.length / 4}`);
  return { session, anchors };
}

function resolveOptions(options: SsdOnnxOptions): ResolvedSsdOnnxOptions {
  const o = { ...ssdOnnxDefaults, weightFiles: {}, ...stripUndefined(options) };
  expect(typeof o.minConfidence === 'number' && o.minConfidence >= 0 && o.minConfidence < 1, 'a number in [0, 1)', 'minConfidence', o.minConfidence);
  expect(Number.isInteger(o.maxResults) && o.maxResults > 0, 'a positive integer', 'maxResults', o.maxResults);
  expect(typeof o.iouThreshold === 'number' && o.iouThreshold >= 0 && o.iouThreshold <= 1, 'a number in [0, 1]', 'iouThreshold', o.iouThreshold);
  expect(Number.isInteger(o.intraOpNumThreads) && o.intraOpNumThreads > 0, 'a positive integer', 'intraOpNumThreads', o.intraOpNumThreads);
  expect(PRECISIONS.includes(o.precision), `one of ${PRECISIONS.join(', ')}`, 'precision', o.precision);
  expect(OPTIMIZATION_LEVELS.includes(o.graphOptimizationLevel), `one of ${OPTIMIZATION_LEVELS.join(', ')}`, 'graphOptimizationLevel', o.graphOptimizationLevel);
  expect(o.modelCacheDir === false || (typeof o.modelCacheDir === 'string' && o.modelCacheDir !== ''), 'a directory or false', 'modelCacheDir', o.modelCacheDir);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function expect(ok: boolean, expected: string, name: string, received: unknown): void {
  if (!ok) throw new TypeError(`Expected ${expected} for ${name} but received ${JSON.stringify(received) ?? String(received)}`);
}

function checkImage(image: RgbImage): void {
  const { width, height, data } = image;
  expect(Number.isInteger(width) && width > 0, 'a positive integer', 'image.width', width);
  expect(Number.isInteger(height) && height > 0, 'a positive integer', 'image.height', height);
  expect(data instanceof Uint8Array && data.length === width * height * 3, `a Uint8Array of ${width}×${height}×3 bytes`, 'image.data', data?.length);
}
