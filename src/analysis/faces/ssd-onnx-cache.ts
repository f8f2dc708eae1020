// The SSD ONNX graph as a file: built from face-api's weights once, then loaded by path in every thread (participant count).
//
// Building the graph in JavaScript and handing onnxruntime the bytes costs each thread 65–100 MB of peak memory that a
// session created from a file path does not (one SSD session and 13 inferences: 223 → 158 MB peak RSS). The
// file is derived data, never downloaded: its name is keyed by the graph builder's version and the weight files'
// contents, it is written atomically (concurrent threads or processes may both build it; the last rename wins with the
// same bytes), and a sidecar holds its sha256 (checked on every load) and the anchors the caller needs.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { buildSsdOnnxModel, SSD_ANCHOR_COUNT, SSD_GRAPH_VERSION, type SsdPrecision } from './ssd-onnx-graph.ts';

/** Where the built graph is kept unless the caller says otherwise: `.cache/models/` in the project (git-ignored). */
export const defaultSsdModelCacheDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.cache', 'models');

export interface SsdModel {
  /** The ONNX file's path, or the graph's bytes when the file could not be written. */
  model: string | Uint8Array;
  /** 5118 anchors × (ymin, xmin, ymax, xmax), as `buildSsdOnnxModel` returns them. */
  anchors: Float32Array;
}

interface Sidecar {
  sha256: string;
  /** Float32 little-endian bytes, base64. */
  anchors: string;
}

let warned = false;

/**
 * The graph built from these weight files, as a file in `dir`: loaded when an intact copy is there, else built and
 * written. When `dir` cannot be written (read-only or full disk) the built bytes are returned instead, with a
 * one-time process warning: detection works the same, each thread just holds more memory. The int8 graph is a
 * separate file (`ssd-mobilenetv1-int8-<key>.onnx`, its key also names the precision).
 */
export function ssdModel(dir: string, manifestPath: string, weightsPath: string, precision: SsdPrecision = 'float32'): SsdModel {
  const key = createHash('sha256')
    .update(`ssd-onnx-graph v${SSD_GRAPH_VERSION}${precision === 'float32' ? '' : ` ${precision}`}\n`)
    .update(readFileSync(manifestPath))
    .update(readFileSync(weightsPath))
    .digest('hex')
    .slice(0, 16);
  const path = join(dir, `ssd-mobilenetv1-${precision === 'float32' ? '' : `${precision}-`}${key}.onnx`);
  const sidecarPath = `${path}.json`;
  const cached = readCached(path, sidecarPath);
  if (cached) return cached;

  const { bytes, anchors } = buildSsdOnnxModel({ manifestPath, weightsPath }, precision);
  const sidecar: Sidecar = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    anchors: Buffer.from(anchors.buffer, anchors.byteOffset, anchors.byteLength).toString('base64'),
  };
  const tmp = `.${process.pid}-${threadId}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path + tmp, bytes);
    renameSync(path + tmp, path);
    writeFileSync(sidecarPath + tmp, JSON.stringify(sidecar));
    renameSync(sidecarPath + tmp, sidecarPath);
  } catch (err) {
    for (const file of [path + tmp, sidecarPath + tmp]) {
      try {
        rmSync(file, { force: true });
      } catch {
        // never written (the directory is missing or not a directory)
      }
    }
    if (!warned) {
      warned = true;
      process.emitWarning(
        `cannot write the SSD face model cache in ${dir} (${(err as Error).message}); building it in memory in every thread instead (~65 MB more each). Make that directory writable (SsdOnnxOptions.modelCacheDir chooses another).`,
      );
    }
    return { model: bytes, anchors };
  }
  return { model: path, anchors };
}

/** The cached file and its anchors when the sidecar is there and the file's sha256 matches it; else null. */
function readCached(path: string, sidecarPath: string): SsdModel | null {
  let sidecar: Sidecar;
  try {
    sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
  } catch {
    return null;
  }
  if (typeof sidecar.sha256 !== 'string' || typeof sidecar.anchors !== 'string') return null;
  if (sha256OfFile(path) !== sidecar.sha256) return null;
  const raw = Buffer.from(sidecar.anchors, 'base64');
  if (raw.length !== SSD_ANCHOR_COUNT * 16) return null;
  const anchors = new Float32Array(SSD_ANCHOR_COUNT * 4);
  new Uint8Array(anchors.buffer).set(raw);
  return { model: path, anchors };
}

/** Hex sha256 of a file read in 1 MB chunks (the ~22 MB graph is never held whole), or null when unreadable. */
function sha256OfFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hash.update(chunk.subarray(0, n));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}
