// The face detection engines by name: eval, bench and the analysis pick one with createFaceDetector.
import { PhotocheckError } from '../../errors/catalogue.ts';
import type { FaceDetector } from '../types.ts';
import { SsdOnnxDetector, type SsdOnnxOptions } from './ssd-onnx.ts';
import { SsdTfjsDetector, type SsdTfjsOptions } from './ssd-tfjs.ts';
import { TiledFaceDetector, type TiledFaceDetectorOptions } from './tiled.ts';

export { SsdTfjsDetector, ssdTfjsBackend, ssdTfjsDefaults, type SsdTfjsOptions } from './ssd-tfjs.ts';
export { TiledFaceDetector, mergeFaces, planTiles, tiledDefaults, type MergeOptions, type TilePlanOptions, type TiledFaceDetectorOptions } from './tiled.ts';

export interface FaceDetectorOptions {
  /** Options of the SSD network (any runtime), for the whole image and for each tile. Defaults: see `ssdTfjsDefaults`. */
  ssd?: SsdTfjsOptions;
  /** onnxruntime-only settings for the `ssd-onnx*` engines (threads, graph optimisation…). Defaults: see `ssdOnnxDefaults`. */
  onnx?: Omit<SsdOnnxOptions, keyof SsdTfjsOptions>;
  /** Tiling and merging, for the `*-tiled` engines. Defaults: see `tiledDefaults`. */
  tiling?: TiledFaceDetectorOptions;
}

/** Engine names, default first. */
export const faceDetectorNames = ['ssd-tiled', 'ssd-whole', 'ssd-onnx-tiled', 'ssd-onnx', 'ssd-onnx-int8-tiled'] as const;
export type FaceDetectorName = (typeof faceDetectorNames)[number];

/**
 * A face detector by engine name:
 * - `ssd-tiled`: face-api's SSD on 640 px tiles plus a whole-image pass for large faces (counts crowds);
 * - `ssd-whole`: the same SSD once on the whole image letterboxed to 512 px (baseline; misses small faces);
 * - `ssd-onnx-tiled`, `ssd-onnx`: the same SSD weights as an ONNX graph on onnxruntime-node (same faces, faster);
 * - `ssd-onnx-int8-tiled`: `ssd-onnx-tiled` with the graph quantised to int8 (opt-in: 2.2× faster per inference with
 *   AVX-512 VNNI; counts within ±1 face of it on the fixtures, see SsdOnnxOptions.precision).
 */
export function createFaceDetector(name: FaceDetectorName | (string & {}), options: FaceDetectorOptions = {}): FaceDetector {
  switch (name) {
    case 'ssd-tiled':
      return new TiledFaceDetector(new SsdTfjsDetector(options.ssd), options.tiling);
    case 'ssd-whole':
      return new SsdTfjsDetector(options.ssd);

    // ── ssd-onnx (src/analysis/faces/ssd-onnx.ts, owned by the ONNX developer): same SSD on onnxruntime-node.
    case 'ssd-onnx-tiled':
      return new TiledFaceDetector(new SsdOnnxDetector({ ...options.onnx, ...options.ssd }), options.tiling);
    case 'ssd-onnx':
      return new SsdOnnxDetector({ ...options.onnx, ...options.ssd });
    case 'ssd-onnx-int8-tiled':
      return new TiledFaceDetector(new SsdOnnxDetector({ ...options.onnx, ...options.ssd, precision: 'int8' }), options.tiling);
    // ── end ssd-onnx

    default:
      throw new PhotocheckError('PC_ERR_USAGE', {
        reason: `unknown face detector "${name}"; choose one of ${faceDetectorNames.join(', ')}`,
      });
  }
}
