// onnxruntime-node, always loaded with telemetry off (see ort-env.ts). Import ORT from here, never directly.
import './ort-env.ts';

export * from 'onnxruntime-node';
