// Runs the FaceDetector conformance suite against every face engine of createFaceDetector.
import { createFaceDetector, faceDetectorNames } from '../../src/analysis/faces/index.ts';
import { describeFaceDetector } from './face-detector.conformance.ts';

for (const name of faceDetectorNames) describeFaceDetector(name, () => createFaceDetector(name));
