// Minimal ONNX ModelProto encoder: the subset of onnx.proto needed to hand a graph built in code to onnxruntime.
//
// Covers: ModelProto (ir_version, opset_import, producer_name, graph), GraphProto (node, name, initializer,
// input, output), NodeProto (input, output, name, op_type, attribute), AttributeProto (int, float, ints, floats,
// string), TensorProto (float32 / int64 / int32 / int8 / uint8 initializers as raw_data) and ValueInfoProto with fixed or named dims.
// Field numbers follow https://github.com/onnx/onnx/blob/main/onnx/onnx.proto.

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** Attribute values: a number is encoded as INT when it is an integer unless wrapped with `onnxFloat`. */
export type OnnxAttributeValue = number | string | number[] | { float: number } | { floats: number[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, OnnxAttributeValue>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  /** Float32Array → FLOAT, BigInt64Array → INT64, Int32Array → INT32, Int8Array → INT8, Uint8Array → UINT8; stored little-endian as raw_data. */
  data: OnnxTensorData;
}

export type OnnxTensorData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataType;
  /** A number is a fixed dim, a string a symbolic (dynamic) dim. */
  shape: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModelOptions {
  /** Default opset of the ai.onnx domain. Default 13. */
  opset?: number;
  /** IR version. Default 8 (ONNX 1.10+, read by every onnxruntime since 1.10). */
  irVersion?: number;
  producerName?: string;
}

/** Marks an integral-looking number as a FLOAT attribute (e.g. `epsilon: onnxFloat(1)`). */
export function onnxFloat(value: number): { float: number } {
  return { float: value };
}

/** Encodes a model as ONNX protobuf bytes, ready for `InferenceSession.create(bytes)`. */
export function encodeOnnxModel(graph: OnnxGraph, options: OnnxModelOptions = {}): Uint8Array {
  const model = new ProtoWriter();
  model.varint(1, options.irVersion ?? 8);
  model.string(2, options.producerName ?? 'photocheck');
  model.message(7, encodeGraph(graph));
  model.message(8, new ProtoWriter().string(1, '').varint(2, options.opset ?? 13));
  return model.finish();
}

function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, encodeNode(node));
  w.string(2, graph.name);
  for (const init of graph.initializers) w.message(5, encodeTensor(init));
  for (const input of graph.inputs) w.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.message(12, encodeValueInfo(output));
  return w;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, encodeAttribute(name, value));
  return w;
}

// AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7).
function encodeAttribute(name: string, value: OnnxAttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.bytes(4, utf8(value)).varint(20, 3);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return w.float(2, value).varint(20, 1);
    return w.varint(3, value).varint(20, 2);
  }
  if (Array.isArray(value)) {
    for (const v of value) w.varint(8, v);
    return w.varint(20, 7);
  }
  if ('float' in value) return w.float(2, value.float).varint(20, 1);
  for (const v of value.floats) w.float(7, v);
  return w.varint(20, 6);
}

// TensorProto: dims 1, data_type 2, name 8, raw_data 9.
function encodeTensor(init: OnnxInitializer): ProtoWriter {
  const count = init.dims.reduce((a, b) => a * b, 1);
  if (count !== init.data.length) {
    throw new Error(`Initializer ${init.name}: dims [${init.dims}] hold ${count} values but data has ${init.data.length}`);
  }
  const w = new ProtoWriter();
  for (const d of init.dims) w.varint(1, d);
  w.varint(2, dataTypeOf(init.data));
  w.string(8, init.name);
  w.bytes(9, littleEndianBytes(init.data));
  return w;
}

// ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2.
function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, info.elemType).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, info.name).message(2, type);
}

function dataTypeOf(data: OnnxTensorData): OnnxDataType {
  if (data instanceof Float32Array) return OnnxDataType.FLOAT;
  if (data instanceof Int32Array) return OnnxDataType.INT32;
  if (data instanceof Int8Array) return OnnxDataType.INT8;
  if (data instanceof Uint8Array) return OnnxDataType.UINT8;
  return OnnxDataType.INT64;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(data: OnnxTensorData): Uint8Array {
  if (littleEndianHost || data instanceof Int8Array || data instanceof Uint8Array) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else (data as BigInt64Array).forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

const encoder = new TextEncoder();
function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Protobuf wire-format writer: varint (type 0), fixed32 (type 5) and length-delimited (type 2) fields.
 * A nested message is spliced in as its chunks, so the weights are copied once, by the outermost finish().
 */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8(value));
  }

  message(field: number, child: ProtoWriter): this {
    this.tag(field, 2);
    this.rawVarint(BigInt(child.length));
    for (const c of child.chunks) this.push(c);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(BigInt((field << 3) | wireType));
  }

  private rawVarint(value: bigint): void {
    const bytes: number[] = [];
    let v = value;
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(bytes));
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
}
