// Builds face-api's SSD MobileNet v1 face detector as an ONNX graph from its TensorFlow.js weight files (participant count).
//
// The weights stay the ones face-api ships (models/manifest.json pins them by checksum); this file only rewrites
// the network face-api runs in TensorFlow.js (src/ssdMobilenetv1/ in vladmandic/face-api) as ONNX nodes:
// MobileNet v1 (conv_0 + 13 depthwise-separable pairs), 8 extra feature layers, 6 box/class prediction heads.
// Box decoding against the anchors and NMS are left to the caller (ssd-onnx.ts), on typed arrays.
//
// precision 'int8' builds the same network in QDQ form (QuantizeLinear/DequantizeLinear around each conv), which
// onnxruntime fuses into QLinearConv at graphOptimizationLevel 'all': weights int8 symmetric per output channel
// (depthwise batch norms folded in first), biases int32, activations uint8 per tensor. Every quantised activation is
// the network input ([-1, 1]) or a ReLU6 output, quantised on [0, 6]: the ReLU6 becomes the saturation of that
// uint8, and no calibration data is needed (calibrating on face-api's demo photos and the fixtures' tiles gave
// [0, 6] for every MobileNet layer and the same face counts). The prediction heads stay float, on the dequantised
// features. 2.2× faster per inference than float32 on an AVX-512 VNNI CPU, one thread (23 vs 52 ms).
import { readFileSync } from 'node:fs';
import { modelPath } from '../model-files.ts';
import { encodeOnnxModel, onnxFloat, OnnxDataType, type OnnxGraph, type OnnxNode, type OnnxTensorData } from './onnx-writer.ts';

/** Bump when the graph this file builds changes: graph files cached by ssd-onnx-cache.ts are keyed by it. */
export const SSD_GRAPH_VERSION = 1;
/** Side of the square network input; the anchors in the weights are laid out for it. */
export const SSD_INPUT_SIZE = 512;
/** Anchors (= predictions) per image: 32²·3 + 16²·6 + 8²·6 + 4²·6 + 2²·6 + 1²·6. */
export const SSD_ANCHOR_COUNT = 5118;
/** Graph input: float32 [1, 3, 512, 512], NCHW, RGB in 0–255 (the graph scales it to x/127.5 − 1 like face-api). */
export const SSD_INPUT_NAME = 'image';
/** Graph output: float32 [1, 5118], sigmoid of the face class logit. */
export const SSD_SCORES_NAME = 'scores';
/** Graph output: float32 [1, 5118, 4], box regressions (ty, tx, th, tw) against the anchors, not yet decoded. */
export const SSD_BOXES_NAME = 'box_encodings';

/** face-api's batch-norm epsilon (float32 0.001). */
const BATCH_NORM_EPSILON = 0.0010000000474974513;
/** MobileNet pairs whose depthwise conv has stride 2. */
const STRIDE_2_PAIRS = new Set([2, 4, 6, 12]);

/** 'float32': face-api's network as it is; 'int8': quantised (QDQ), see the file header. */
export type SsdPrecision = 'float32' | 'int8';

export interface SsdOnnxModel {
  /** ONNX protobuf bytes for `InferenceSession.create`. */
  bytes: Uint8Array;
  /** 5118 anchors × (ymin, xmin, ymax, xmax), relative to the 512×512 input (from `Output/extra_dim`). */
  anchors: Float32Array;
}

export interface SsdWeightFiles {
  /** face-api's `ssd_mobilenetv1_model-weights_manifest.json`. Default: modelPath('ssd-weights-manifest'). */
  manifestPath?: string;
  /** face-api's `ssd_mobilenetv1_model.bin`. Default: modelPath('ssd-weights'). */
  weightsPath?: string;
}

/** Builds the ONNX model (~22 MB of float32 weights, ~6 MB int8) and the anchors from face-api's weight files (~0.1–0.2 s). */
export function buildSsdOnnxModel(files: SsdWeightFiles = {}, precision: SsdPrecision = 'float32'): SsdOnnxModel {
  const weights = readTfjsWeights(
    files.manifestPath ?? modelPath('ssd-weights-manifest'),
    files.weightsPath ?? modelPath('ssd-weights'),
  );
  const anchors = weights.take('Output/extra_dim', [1, SSD_ANCHOR_COUNT, 4]);
  const graph = new SsdGraphBuilder(weights, precision === 'int8').build();
  return { bytes: encodeOnnxModel(graph, { opset: 13 }), anchors };
}

type Shape4 = [number, number, number, number];

interface TfjsTensor {
  shape: number[];
  values: Float32Array;
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { scale: number; min: number; dtype: string };
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** The dequantised float32 tensors of a TensorFlow.js weights manifest + .bin pair, by name. */
class TfjsWeights {
  constructor(private readonly tensors: Map<string, TfjsTensor>) {}

  /** The tensor `name`, checked against the expected TF shape. */
  take(name: string, shape: number[]): Float32Array {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`SSD weights: tensor "${name}" not found in the weights manifest`);
    if (t.shape.join(',') !== shape.join(',')) {
      throw new Error(`SSD weights: expected shape [${shape}] for "${name}" but received [${t.shape}]`);
    }
    return t.values;
  }

  /** Shape of a 4-D tensor (a conv filter). */
  shape4Of(name: string): Shape4 {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`SSD weights: tensor "${name}" not found in the weights manifest`);
    const [a, b, c, d, ...rest] = t.shape;
    if (d === undefined || rest.length > 0) throw new Error(`SSD weights: expected a 4-D tensor for "${name}" but received [${t.shape}]`);
    return [a!, b!, c!, d];
  }
}

/**
 * Reads every float32 tensor of a TensorFlow.js weights manifest. Tensors are stored back to back in manifest
 * order; a uint8-quantised tensor takes one byte per value and decodes as `q·scale + min` (as tfjs does).
 */
function readTfjsWeights(manifestPath: string, weightsPath: string): TfjsWeights {
  const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as { paths: string[]; weights: ManifestWeight[] }[];
  const bin = readFileSync(weightsPath);
  const tensors = new Map<string, TfjsTensor>();
  let offset = 0;
  for (const w of groups.flatMap((g) => g.weights)) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const storedType = w.quantization?.dtype ?? w.dtype;
    const bytesPer = BYTES_PER_DTYPE[storedType];
    if (bytesPer === undefined) throw new Error(`SSD weights: unsupported dtype ${storedType} for "${w.name}"`);
    const size = count * bytesPer;
    if (offset + size > bin.length) {
      throw new Error(`SSD weights: ${weightsPath} is truncated (${bin.length} bytes, "${w.name}" ends at ${offset + size})`);
    }
    if (w.dtype === 'float32') tensors.set(w.name, { shape: w.shape, values: decodeFloat32(bin, offset, count, w) });
    offset += size;
  }
  if (offset !== bin.length) {
    throw new Error(`SSD weights: ${weightsPath} has ${bin.length} bytes but the manifest describes ${offset}`);
  }
  return new TfjsWeights(tensors);
}

function decodeFloat32(bin: Buffer, offset: number, count: number, w: ManifestWeight): Float32Array {
  const values = new Float32Array(count);
  const q = w.quantization;
  if (!q) {
    const view = new DataView(bin.buffer, bin.byteOffset + offset, count * 4);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  } else if (q.dtype === 'uint8') {
    for (let i = 0; i < count; i++) values[i] = bin[offset + i]! * q.scale + q.min;
  } else {
    throw new Error(`SSD weights: unsupported quantisation ${q.dtype} for "${w.name}"`);
  }
  return values;
}

/** TF conv filter [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw]. */
function convFilterToOnnx(w: Float32Array, [kh, kw, cin, cout]: Shape4): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = w[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** TF depthwise filter [kh, kw, C, 1] → ONNX grouped conv [C, 1, kh, kw]. */
function depthwiseFilterToOnnx(w: Float32Array, [kh, kw, c]: Shape4): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let ch = 0; ch < c; ch++) out[(ch * kh + y) * kw + x] = w[(y * kw + x) * c + ch]!;
  return out;
}

/** TF "same" padding [top, left, bottom, right]: the odd pixel goes after (stride 2 on even sizes: 0 before, 1 after). */
function samePads(size: number, kernel: number, stride: number): number[] {
  const outSize = Math.ceil(size / stride);
  const total = Math.max((outSize - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, before, total - before, total - before];
}

interface Feature {
  name: string;
  channels: number;
  /** Spatial size (square). */
  size: number;
}

class SsdGraphBuilder {
  private readonly graph: OnnxGraph = { name: 'ssd_mobilenetv1', nodes: [], initializers: [], inputs: [], outputs: [] };

  /** int8: the dequantised copy of each quantised float tensor, with its scale. */
  private readonly dequantised = new Map<string, { name: string; scale: number }>();

  constructor(
    private readonly weights: TfjsWeights,
    private readonly int8 = false,
  ) {}

  build(): OnnxGraph {
    this.graph.inputs.push({ name: SSD_INPUT_NAME, elemType: OnnxDataType.FLOAT, shape: [1, 3, SSD_INPUT_SIZE, SSD_INPUT_SIZE] });
    if (!this.int8) {
      this.constant('relu6_min', [], new Float32Array([0]));
      this.constant('relu6_max', [], new Float32Array([6]));
    }
    // face-api: tf.sub(tf.div(x, 127.5), 1), in that order (float32 rounding as tfjs).
    this.constant('input_divisor', [], new Float32Array([127.5]));
    this.constant('input_offset', [], new Float32Array([1]));
    this.node('Div', [SSD_INPUT_NAME, 'input_divisor'], ['image_div']);
    this.node('Sub', ['image_div', 'input_offset'], ['image_normalized']);

    let x: Feature = { name: 'image_normalized', channels: 3, size: SSD_INPUT_SIZE };
    x = this.conv(x, 'MobilenetV1/Conv2d_0_pointwise', 'convolution_bn_offset', 2, true);
    let conv11: Feature | undefined;
    for (let i = 1; i <= 13; i++) {
      x = this.depthwise(x, `MobilenetV1/Conv2d_${i}_depthwise`, STRIDE_2_PAIRS.has(i) ? 2 : 1);
      x = this.conv(x, `MobilenetV1/Conv2d_${i}_pointwise`, 'convolution_bn_offset', 1, true);
      if (i === 11) conv11 = x;
    }
    const features: Feature[] = [conv11!, x];
    for (let i = 0; i < 8; i++) {
      x = this.conv(x, `Prediction/Conv2d_${i}_pointwise`, 'convolution_bn_offset', i % 2 === 1 ? 2 : 1, true);
      if (i % 2 === 1) features.push(x);
    }

    const boxes: string[] = [];
    const classes: string[] = [];
    features.forEach((f, k) => {
      boxes.push(this.head(f, `Prediction/BoxPredictor_${k}/BoxEncodingPredictor`, 4));
      classes.push(this.head(f, `Prediction/BoxPredictor_${k}/ClassPredictor`, 3));
    });
    this.node('Concat', boxes, [SSD_BOXES_NAME], { axis: 1 });
    this.node('Concat', classes, ['class_logits'], { axis: 1 });
    // Scores: sigmoid of class 1 ("face"); class 0 is background.
    this.constant('face_class_start', [1], new BigInt64Array([1n]));
    this.constant('face_class_end', [1], new BigInt64Array([2n]));
    this.constant('last_axis', [1], new BigInt64Array([2n]));
    this.node('Slice', ['class_logits', 'face_class_start', 'face_class_end', 'last_axis'], ['face_logits']);
    this.node('Squeeze', ['face_logits', 'last_axis'], ['face_logits_flat']);
    this.node('Sigmoid', ['face_logits_flat'], [SSD_SCORES_NAME]);

    this.graph.outputs.push({ name: SSD_BOXES_NAME, elemType: OnnxDataType.FLOAT, shape: [1, SSD_ANCHOR_COUNT, 4] });
    this.graph.outputs.push({ name: SSD_SCORES_NAME, elemType: OnnxDataType.FLOAT, shape: [1, SSD_ANCHOR_COUNT] });
    return this.graph;
  }

  /** conv2d 'same' + bias (the folded batch norm offset, or a plain bias), optionally ReLU6. */
  private conv(x: Feature, prefix: string, biasName: string, stride: number, relu6: boolean): Feature {
    const shape = this.weights.shape4Of(`${prefix}/weights`);
    const [kh, kw, cin, cout] = shape;
    if (cin !== x.channels) throw new Error(`SSD weights: ${prefix} expects ${cin} input channels, got ${x.channels}`);
    if (this.int8 && relu6) {
      const w = convFilterToOnnx(this.weights.take(`${prefix}/weights`, shape), shape);
      return this.quantisedConv(x, prefix, w, [cout, cin, kh, kw], this.weights.take(`${prefix}/${biasName}`, [cout]), stride, 1);
    }
    const w = this.constant(`${prefix}/W`, [cout, cin, kh, kw], convFilterToOnnx(this.weights.take(`${prefix}/weights`, shape), shape));
    const b = this.constant(`${prefix}/B`, [cout], this.weights.take(`${prefix}/${biasName}`, [cout]));
    const out = `${prefix}/conv`;
    this.node('Conv', [this.int8 ? this.dequantise(x.name) : x.name, w, b], [out], {
      kernel_shape: [kh, kw],
      strides: [stride, stride],
      pads: samePads(x.size, kh, stride),
    });
    const size = Math.ceil(x.size / stride);
    return { name: relu6 ? this.relu6(out, prefix) : out, channels: cout, size };
  }

  /** depthwise conv2d 3×3 'same' → batch norm → ReLU6. */
  private depthwise(x: Feature, prefix: string, stride: number): Feature {
    const c = x.channels;
    const filter = this.weights.take(`${prefix}/depthwise_weights`, [3, 3, c, 1]);
    if (this.int8) return this.quantisedDepthwise(x, prefix, depthwiseFilterToOnnx(filter, [3, 3, c, 1]), stride);
    const w = this.constant(`${prefix}/W`, [c, 1, 3, 3], depthwiseFilterToOnnx(filter, [3, 3, c, 1]));
    const conv = `${prefix}/conv`;
    this.node('Conv', [x.name, w], [conv], { group: c, kernel_shape: [3, 3], strides: [stride, stride], pads: samePads(x.size, 3, stride) });
    const bn = [`gamma`, `beta`, `moving_mean`, `moving_variance`].map((p) =>
      this.constant(`${prefix}/BatchNorm/${p}`, [c], this.weights.take(`${prefix}/BatchNorm/${p}`, [c])),
    );
    const norm = `${prefix}/bn`;
    this.node('BatchNormalization', [conv, ...bn], [norm], { epsilon: onnxFloat(BATCH_NORM_EPSILON) });
    return { name: this.relu6(norm, prefix), channels: c, size: Math.ceil(x.size / stride) };
  }

  /** 1×1 prediction conv → NHWC → [1, H·W·A, values] (anchor order of the weights). */
  private head(f: Feature, prefix: string, values: number): string {
    const conv = this.conv(f, prefix, 'biases', 1, false);
    const nhwc = `${prefix}/nhwc`;
    this.node('Transpose', [conv.name], [nhwc], { perm: [0, 2, 3, 1] });
    const shapeName = `reshape_to_${values}`;
    if (!this.graph.initializers.some((i) => i.name === shapeName)) {
      this.constant(shapeName, [3], new BigInt64Array([1n, -1n, BigInt(values)]));
    }
    const out = `${prefix}/flat`;
    this.node('Reshape', [nhwc, shapeName], [out]);
    return out;
  }

  /** int8: depthwise conv with its batch norm folded into the filter and a bias, then ReLU6. */
  private quantisedDepthwise(x: Feature, prefix: string, w: Float32Array, stride: number): Feature {
    const c = x.channels;
    const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) =>
      this.weights.take(`${prefix}/BatchNorm/${p}`, [c]),
    ) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const bias = new Float32Array(c);
    for (let ch = 0; ch < c; ch++) {
      const s = gamma[ch]! / Math.sqrt(variance[ch]! + BATCH_NORM_EPSILON);
      for (let k = 0; k < 9; k++) w[ch * 9 + k] = w[ch * 9 + k]! * s;
      bias[ch] = beta[ch]! - mean[ch]! * s;
    }
    return this.quantisedConv(x, prefix, w, [c, 1, 3, 3], bias, stride, c);
  }

  /**
   * int8: Conv(DQ(Q(x)), DQ(int8 filter, per output channel), DQ(int32 bias)) → Q on [0, 6] (the ReLU6) → DQ,
   * the pattern onnxruntime fuses into one QLinearConv. Returns the ReLU6 output (its dequantised copy is made here).
   */
  private quantisedConv(x: Feature, prefix: string, w: Float32Array, dims: Shape4, bias: Float32Array, stride: number, group: number): Feature {
    const [cout, , kh, kw] = dims;
    const input = this.dequantisedOf(x.name);
    const perChannel = w.length / cout;
    const wq = new Int8Array(w.length);
    const wScale = new Float32Array(cout);
    const bq = new Int32Array(cout);
    const bScale = new Float32Array(cout);
    for (let o = 0; o < cout; o++) {
      let max = 0;
      for (let k = 0; k < perChannel; k++) max = Math.max(max, Math.abs(w[o * perChannel + k]!));
      wScale[o] = max > 0 ? max / 127 : 1;
      for (let k = 0; k < perChannel; k++) wq[o * perChannel + k] = Math.round(w[o * perChannel + k]! / wScale[o]!);
      bScale[o] = input.scale * wScale[o]!;
      bq[o] = Math.round(bias[o]! / bScale[o]!);
    }
    const filter = this.dequantiseConstant(`${prefix}/W`, dims, wq, wScale, new Int8Array(cout));
    const b = this.dequantiseConstant(`${prefix}/B`, [cout], bq, bScale, new Int32Array(cout));
    const out = `${prefix}/conv`;
    this.node('Conv', [input.name, filter, b], [out], {
      ...(group > 1 ? { group } : {}),
      kernel_shape: [kh, kw],
      strides: [stride, stride],
      pads: samePads(x.size, kh, stride),
    });
    const relu6 = `${prefix}/relu6`;
    this.quantise(out, relu6, 0, 6);
    return { name: relu6, channels: cout, size: Math.ceil(x.size / stride) };
  }

  /** int8: the dequantised copy of a float tensor (the network input, or a ReLU6 output made by quantisedConv). */
  private dequantise(name: string): string {
    return this.dequantisedOf(name).name;
  }

  private dequantisedOf(name: string): { name: string; scale: number } {
    if (!this.dequantised.has(name)) {
      if (name !== 'image_normalized') throw new Error(`SSD int8 graph: no quantisation range for ${name}`);
      this.quantise(name, name, -1, 1);
    }
    return this.dequantised.get(name)!;
  }

  /** uint8 QuantizeLinear → DequantizeLinear of float tensor `source` on [min, max], known downstream as `name`. */
  private quantise(source: string, name: string, min: number, max: number): void {
    const scale = Math.fround((max - min) / 255);
    const zero = Math.round(-min / scale);
    const s = this.constant(`${name}/scale`, [], new Float32Array([scale]));
    const z = this.constant(`${name}/zero_point`, [], new Uint8Array([zero]));
    this.node('QuantizeLinear', [source, s, z], [`${name}/q`]);
    this.node('DequantizeLinear', [`${name}/q`, s, z], [`${name}/dq`]);
    this.dequantised.set(name, { name: `${name}/dq`, scale });
  }

  /** A per-channel (axis 0) quantised constant and the DequantizeLinear giving it back as float; returns its name. */
  private dequantiseConstant(name: string, dims: number[], values: Int8Array | Int32Array, scale: Float32Array, zero: Int8Array | Int32Array): string {
    const q = this.constant(`${name}_quantized`, dims, values);
    const s = this.constant(`${name}_scale`, [scale.length], scale);
    const z = this.constant(`${name}_zero_point`, [zero.length], zero);
    this.node('DequantizeLinear', [q, s, z], [name], { axis: 0 });
    return name;
  }

  private relu6(input: string, prefix: string): string {
    const out = `${prefix}/relu6`;
    this.node('Clip', [input, 'relu6_min', 'relu6_max'], [out]);
    return out;
  }

  private node(opType: string, inputs: string[], outputs: string[], attributes?: OnnxNode['attributes']): void {
    this.graph.nodes.push({ opType, inputs, outputs, name: outputs[0], attributes });
  }

  private constant(name: string, dims: number[], data: OnnxTensorData): string {
    this.graph.initializers.push({ name, dims, data });
    return name;
  }
}
