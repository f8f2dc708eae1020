// The one Analysis type: what the engines found in a photo, shared by every rule, report and evidence picture.

/** An axis-aligned box in pixels of the image it refers to (for Analysis: the EXIF-rotated original). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A detected face. `score` is the detector's confidence in [0, 1]. */
export interface Face {
  box: Box;
  score: number;
}

/** A recognised line of text. `score` is the recogniser's mean confidence in [0, 1]. */
export interface TextLine {
  text: string;
  box: Box;
  score: number;
}

/** Decoded pixels: interleaved RGB, 8 bits per channel, row-major, no padding. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Finds faces in an image.
 * Contract (checked by test/engines/face-detector.conformance.test.ts):
 * - boxes are in pixels of the image passed in, clipped to it, width and height > 0;
 * - scores are in [0, 1], results sorted by score descending;
 * - the same image gives the same result (deterministic);
 * - an image with no face gives [] (never throws for a valid image).
 */
export interface FaceDetector {
  readonly name: string;
  detect(image: RgbImage): Promise<Face[]>;
  dispose?(): Promise<void>;
}

/**
 * Reads lines of text in an image.
 * Contract (checked by test/engines/text-reader.conformance.test.ts):
 * - boxes are in pixels of the image passed in, clipped to it;
 * - text is trimmed and non-empty; scores are in [0, 1];
 * - lines are in reading order (top to bottom, then left to right);
 * - an image without text gives [] or only low-score lines.
 */
export interface TextReader {
  readonly name: string;
  read(image: RgbImage): Promise<TextLine[]>;
  dispose?(): Promise<void>;
}

export interface SharpnessMeasure {
  /** Noise-robust focus score: variance of the Laplacian after a 3×3 median, at `scoredLongSide`. */
  score: number;
  /** Weakest-direction / strongest-direction edge energy, in [0, 1]; low means motion blur. */
  directionalRatio: number;
  /** Long side (px) at which the score was computed (never upscaled). */
  scoredLongSide: number;
}

export interface ExposureMeasure {
  /** Mean luma in [0, 255]. */
  meanLuma: number;
  /** Fraction of pixels with luma ≤ 8. */
  darkFraction: number;
  /** Fraction of pixels with luma ≥ 247. */
  brightFraction: number;
}

export interface Analysis {
  /** Version of the analysis pipeline (engines + settings); cached analyses are keyed by sha256 + version. */
  version: string;
  sha256: string;
  /** Width and height after EXIF orientation. */
  width: number;
  height: number;
  format: string;
  bytes: number;
  /** EXIF capture time as ISO 8601 local time without zone (cameras don't record the zone), or null. */
  capturedAt: string | null;
  sharpness: SharpnessMeasure;
  exposure: ExposureMeasure;
  /** Faces in original-image pixels. */
  faces: Face[];
  /** Text lines in original-image pixels. */
  text: TextLine[];
  engines: { faces: string; text: string };
  /** Milliseconds spent per stage. */
  timings: Record<string, number>;
}
