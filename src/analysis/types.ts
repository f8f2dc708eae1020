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
 * A picture too large to keep decoded whole (a 12 MP photo is 36 MB of RGB), read a region at a time: its size, and
 * the pixels of a box of it, the same as cropping the whole picture.
 */
export interface RegionSource {
  readonly width: number;
  readonly height: number;
  /** The pixels of `box` (integers, inside width × height). */
  region(box: Box): Promise<RgbImage>;
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
 * - boxes are in pixels of the image passed in, clipped to it (also when a `source` is given);
 * - text is trimmed and non-empty; scores are in [0, 1];
 * - lines are in reading order (top to bottom, then left to right; lines stacked beside a taller one, top to bottom before it);
 * - an image without text gives [] or only low-score lines.
 */
export interface TextReader {
  readonly name: string;
  /**
   * Reads `image`. `source`, when given, is the same picture at another resolution (the photo itself, where `image`
   * is a resized working copy): a reader may read the lines it found in `image` from those pixels instead.
   */
  read(image: RgbImage, source?: RgbImage | RegionSource): Promise<TextLine[]>;
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

/**
 * Named colours of clothing, as regions of CIELAB hue and chroma (src/analysis/uniform.ts defines them).
 * Disjoint: a pixel is in at most one, so fractions of several colours add up.
 */
export type PaletteColour = 'red' | 'orange' | 'yellow' | 'green' | 'blue' | 'pink';

/** Fraction of a region's pixels in each palette colour, in [0, 1] (the rest is neutral: white, grey, black, skin…). */
export type ColourFractions = Record<PaletteColour, number>;

/**
 * What a person under a detected face wears, as colours (the uniform rule's input). Boxes are original-image
 * pixels, clipped; a region is null when too little of it is in the photo or not hidden by other people's heads.
 */
export interface UpperBody {
  /** Index of the face in `Analysis.faces`. */
  face: number;
  /** Chest and shoulders under the face (where a vest shows), with its colours. */
  torso: { box: Box; colours: ColourFractions } | null;
  /** Just above the face (where a cap shows), with its colours. */
  head: { box: Box; colours: ColourFractions } | null;
  /**
   * Colours beside the person: the band around head and torso that no detected person covers (backdrop,
   * banner, wall). A colour that is as common here as on the torso is the scene's, not the clothing's.
   */
  surround: ColourFractions | null;
  /** The surround's band at head height (the backdrop between heads): what a cap is compared with. */
  besideHead: ColourFractions | null;
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
  /**
   * Clothing colours under each face, one entry per face in `faces` order (pipeline a2 on; absent in older
   * analyses, which the uniform rule sends to review).
   */
  upperBodies?: UpperBody[];
  /**
   * 64-bit DCT perceptual hash of the whole oriented photo (16 hex digits; src/analysis/phash.ts), for finding
   * the same picture resized, recompressed or lightly cropped. Absent in analyses before pipeline a2.
   */
  phash?: string;
  /** The perceptual hash of the photo mirrored left–right (a flipped copy of a photo matches `phash` of the other). */
  phashMirrored?: string;
  engines: { faces: string; text: string };
  /** Milliseconds spent per stage. */
  timings: Record<string, number>;
}
