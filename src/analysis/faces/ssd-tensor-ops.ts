// Typed-array pre- and post-processing around the SSD face network: letterbox + TF-legacy resize, box decode, NMS.
//
// Each step reproduces what face-api does in TensorFlow.js (NetInput.toBatchTensor, outputLayer,
// nonMaxSuppression in vladmandic/face-api src/ssdMobilenetv1/), so the ONNX engine finds the same faces.
import type { RgbImage } from '../types.ts';

/**
 * TensorFlow's legacy bilinear resize (align_corners = false, half_pixel_centers = false) of an interleaved 8-bit
 * image, read as if zero-padded at the bottom/right to `paddedWidth × paddedHeight`, into planar (CHW) float32.
 *
 * Source coordinate of output pixel i is i·(in/out) — no half-pixel shift — and the neighbour past the last
 * row/column is clamped to it, exactly as tf.image.resizeBilinear(x, size, false, false). This is not
 * libvips'/sharp's resize, whose centres differ by half a pixel.
 *
 * Writes into `out` when given (its length must be outWidth × outHeight × channels), else into a new array.
 */
export function resizeBilinearLegacy(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  paddedWidth = width,
  paddedHeight = height,
  out?: Float32Array,
): Float32Array {
  const xs = sampleAxis(width, paddedWidth, outWidth, channels);
  const ys = sampleAxis(height, paddedHeight, outHeight, width * channels);
  const plane = outWidth * outHeight;
  if (out && out.length !== plane * channels) {
    throw new TypeError(`Expected a Float32Array of ${plane * channels} values for out but received ${out.length}`);
  }
  const result = out ?? new Float32Array(plane * channels);
  // Rows are interpolated horizontally once into planar buffers, then blended vertically. Every value is computed
  // with the same double-precision expressions, rounded to float32 at the same points, whichever path it takes.
  const rows = new RowCache(src, xs, outWidth, channels);
  for (let oy = 0; oy < outHeight; oy++) {
    const offset0 = ys.offset0[oy]!;
    const offset1 = ys.offset1[oy]!;
    const fy = ys.frac[oy]!;
    const dst = oy * outWidth;
    if (offset0 < 0) {
      // Both neighbours are padding rows (offset1 ≥ offset0 along the axis): zeros.
      if (out) for (let c = 0; c < channels; c++) result.fill(0, c * plane + dst, c * plane + dst + outWidth);
      continue;
    }
    const top = rows.get(offset0);
    if (fy === 0 || offset1 === offset0) {
      // t + (b − t)·0 and t + (t − t)·fy are t itself.
      for (let c = 0; c < channels; c++) result.set(top.subarray(c * outWidth, (c + 1) * outWidth), c * plane + dst);
      continue;
    }
    const bottom = rows.get(offset1);
    for (let c = 0; c < channels; c++) {
      const base = c * plane + dst;
      const from = c * outWidth;
      for (let ox = 0; ox < outWidth; ox++) {
        const t = top[from + ox]!;
        result[base + ox] = t + (bottom[from + ox]! - t) * fy;
      }
    }
  }
  return result;
}

/**
 * Horizontally interpolated source rows, planar (channel c at [c·outWidth, (c+1)·outWidth)), by row offset
 * (−1 = padding row, all zeros), keeping the last two.
 */
class RowCache {
  private readonly keys = [NaN, NaN];
  private readonly buffers: [Float32Array, Float32Array];
  private lastUsed = 0;
  /** Output columns [0, inside) have both neighbours inside the image; the rest touch the zero padding. */
  private readonly inside: number;

  constructor(
    private readonly src: Uint8Array,
    private readonly xs: ReturnType<typeof sampleAxis>,
    private readonly outWidth: number,
    private readonly channels: number,
  ) {
    this.buffers = [new Float32Array(outWidth * channels), new Float32Array(outWidth * channels)];
    let inside = 0;
    while (inside < outWidth && xs.offset1[inside]! >= 0) inside++;
    this.inside = inside;
  }

  get(rowOffset: number): Float32Array {
    if (this.keys[0] === rowOffset) return this.use(0);
    if (this.keys[1] === rowOffset) return this.use(1);
    // Never overwrite the row returned just before: the caller is holding it (top, then bottom).
    const slot = 1 - this.lastUsed;
    this.keys[slot] = rowOffset;
    this.lastUsed = slot;
    const row = this.buffers[slot]!;
    if (rowOffset < 0) return row.fill(0);
    const { src, channels, outWidth, inside } = this;
    const { offset0, offset1, frac } = this.xs;
    if (channels === 3) {
      const g = outWidth;
      const b = 2 * outWidth;
      for (let ox = 0; ox < inside; ox++) {
        const left = rowOffset + offset0[ox]!;
        const right = rowOffset + offset1[ox]!;
        const fx = frac[ox]!;
        const l0 = src[left]!, l1 = src[left + 1]!, l2 = src[left + 2]!;
        row[ox] = l0 + (src[right]! - l0) * fx;
        row[g + ox] = l1 + (src[right + 1]! - l1) * fx;
        row[b + ox] = l2 + (src[right + 2]! - l2) * fx;
      }
    } else {
      for (let ox = 0; ox < inside; ox++) {
        const left = rowOffset + offset0[ox]!;
        const right = rowOffset + offset1[ox]!;
        const fx = frac[ox]!;
        for (let c = 0; c < channels; c++) {
          const l = src[left + c]!;
          row[c * outWidth + ox] = l + (src[right + c]! - l) * fx;
        }
      }
    }
    // Columns next to or inside the padding: a missing neighbour reads 0.
    for (let ox = inside; ox < outWidth; ox++) {
      const left = offset0[ox]!;
      const right = offset1[ox]!;
      const fx = frac[ox]!;
      for (let c = 0; c < channels; c++) {
        const l = left >= 0 ? src[rowOffset + left + c]! : 0;
        const r = right >= 0 ? src[rowOffset + right + c]! : 0;
        row[c * outWidth + ox] = l + (r - l) * fx;
      }
    }
    return row;
  }

  private use(slot: number): Float32Array {
    this.lastUsed = slot;
    return this.buffers[slot]!;
  }
}

/** Per output index along one axis: source offsets of both neighbours (−1 = padding) and the weight of the second. */
function sampleAxis(size: number, paddedSize: number, outSize: number, stride: number) {
  const offset0 = new Int32Array(outSize);
  const offset1 = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  const scale = Math.fround(paddedSize / outSize); // float32, as the XNNPACK kernel tfjs-wasm runs
  for (let i = 0; i < outSize; i++) {
    const pos = Math.fround(i * scale);
    const i0 = Math.floor(pos);
    const i1 = Math.min(i0 + 1, paddedSize - 1);
    offset0[i] = i0 < size ? i0 * stride : -1;
    offset1[i] = i1 < size ? i1 * stride : -1;
    frac[i] = pos - i0;
  }
  return { offset0, offset1, frac };
}

/**
 * face-api's SSD input before scaling: the RGB image padded to a square (zeros at bottom/right) and TF-legacy
 * bilinear resized to `size`; float32 [1, 3, size, size] (NCHW), values 0–255. The graph does x/127.5 − 1.
 * Writes into `out` when given (3·size² values).
 */
export function letterboxInput(image: RgbImage, size: number, out?: Float32Array): Float32Array {
  const side = Math.max(image.width, image.height);
  return resizeBilinearLegacy(image.data, image.width, image.height, 3, size, size, side, side, out);
}

export interface SelectOptions {
  /** Keep scores strictly above this. */
  minConfidence: number;
  /** Stop after this many boxes. */
  maxResults: number;
  /** Suppress a box whose IoU with a kept box is strictly above this. */
  iouThreshold: number;
}

export interface SelectedBoxes {
  /** Indices into the anchor list, best score first. */
  indices: number[];
  /** 4 per selected box: ymin, xmin, ymax, xmax relative to the square network input (may lie outside [0, 1]). */
  boxes: Float64Array;
}

/**
 * Decodes the SSD box regressions of every anchor scoring above `minConfidence` and runs greedy NMS.
 * Decoding: centre += (ty/10, tx/10)·anchor size, size ·= exp(th/5, tw/5), as face-api's outputLayer.
 * Candidates are sorted by score descending, ties by anchor index (face-api's stable sort).
 */
export function selectBoxes(
  scores: Float32Array,
  encodings: Float32Array,
  anchors: Float32Array,
  options: SelectOptions,
): SelectedBoxes {
  const candidates: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! > options.minConfidence) candidates.push(i);
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);

  const decoded = new Float64Array(candidates.length * 4);
  candidates.forEach((anchor, k) => decodeBox(encodings, anchors, anchor, decoded, k * 4));

  const kept: number[] = []; // positions in `candidates`
  for (let k = 0; k < candidates.length && kept.length < options.maxResults; k++) {
    let suppressed = false;
    for (let j = kept.length - 1; j >= 0 && !suppressed; j--) {
      suppressed = iou(decoded, k * 4, kept[j]! * 4) > options.iouThreshold;
    }
    if (!suppressed) kept.push(k);
  }
  const boxes = new Float64Array(kept.length * 4);
  kept.forEach((k, n) => boxes.set(decoded.subarray(k * 4, k * 4 + 4), n * 4));
  return { indices: kept.map((k) => candidates[k]!), boxes };
}

function decodeBox(encodings: Float32Array, anchors: Float32Array, i: number, out: Float64Array, o: number): void {
  const a = i * 4;
  const anchorH = anchors[a + 2]! - anchors[a]!;
  const anchorW = anchors[a + 3]! - anchors[a + 1]!;
  const cy = (encodings[a]! / 10) * anchorH + (anchors[a]! + anchorH / 2);
  const cx = (encodings[a + 1]! / 10) * anchorW + (anchors[a + 1]! + anchorW / 2);
  const halfH = (Math.exp(encodings[a + 2]! / 5) * anchorH) / 2;
  const halfW = (Math.exp(encodings[a + 3]! / 5) * anchorW) / 2;
  out[o] = cy - halfH;
  out[o + 1] = cx - halfW;
  out[o + 2] = cy + halfH;
  out[o + 3] = cx + halfW;
}

/** IoU of two (ymin, xmin, ymax, xmax) boxes; corners in either order; 0 when either has no area. */
function iou(b: Float64Array, i: number, j: number): number {
  const y0i = Math.min(b[i]!, b[i + 2]!), y1i = Math.max(b[i]!, b[i + 2]!);
  const x0i = Math.min(b[i + 1]!, b[i + 3]!), x1i = Math.max(b[i + 1]!, b[i + 3]!);
  const y0j = Math.min(b[j]!, b[j + 2]!), y1j = Math.max(b[j]!, b[j + 2]!);
  const x0j = Math.min(b[j + 1]!, b[j + 3]!), x1j = Math.max(b[j + 1]!, b[j + 3]!);
  const areaI = (y1i - y0i) * (x1i - x0i);
  const areaJ = (y1j - y0j) * (x1j - x0j);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const inter = Math.max(Math.min(y1i, y1j) - Math.max(y0i, y0j), 0) * Math.max(Math.min(x1i, x1j) - Math.max(x0i, x0j), 0);
  return inter / (areaI + areaJ - inter);
}
