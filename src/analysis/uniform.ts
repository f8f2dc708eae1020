// Clothing colours under each detected face, for the uniform rule (二（三）3 规范着志愿服装): pure functions on RGB pixels.
//
// What is stored, and why a palette. The campaign chooses the uniform colours (red vests and caps by default,
// orange or blue for other teams), and a campaign's thresholds must be re-evaluable on stored analyses without
// decoding the photo again. So the analysis keeps, per face, the fraction of pixels in each colour of a small
// fixed palette of named clothing colours (red, orange, yellow, green, blue, pink), for three regions. Six
// numbers a region are readable in evidence ("torso 64 % red") and small in the cache; a full hue × chroma
// histogram would let a campaign define any colour, but no uniform needs more than these names, and a new name
// is a change here plus a PIPELINE_VERSION bump. The palette's colours are disjoint, so a campaign that accepts
// both red and orange vests adds the two fractions.
//
// Colour space. Each pixel goes to CIELAB (sRGB, D65) and is described by lightness L, chroma C = √(a² + b²)
// and hue angle h = atan2(b, a). Dimmer or brighter light moves L and scales C but keeps h, so colours are
// hue sectors with a chroma floor, never RGB thresholds; a shadowed red vest (L 25, C 50) is still red.
// Neutrals (white, grey, black, and most skin: C ≈ 15–40 at h ≈ 50–70°) fall under the floors. Orange and
// yellow sit next to skin and warm-lit walls in hue, so their floors are higher (50, 45) than red's (30).
// Hue boundaries: pure sRGB red is h ≈ 40°, crimson vests ≈ 30–36°, maroon ≈ 24°, orange-red vests ≈ 43–49°,
// orange ≈ 60°, high-visibility yellow ≈ 108°, hot pink ≈ 4°, pink ≈ 350°. Pixels darker than L 10 have no
// reliable hue and are neutral.
// Each pixel is classified through a 32 768-entry table over 5-bit RGB, built once.
//
// Regions, for a face box (x, y, w, h) with centre cx, in original-image pixels:
//   torso     cx ± 0.9w × [y + 1.3h, y + 2.5h]   chest and shoulders, where a vest shows; starts below the
//                                                 neck so a banner held at the waist or a table falls outside
//   head      cx ± 0.6w × [y − 0.5h, y + 0.05h]  where a cap shows
//   surround  cx ± 3w   × [y − 0.5h, y + 6h]     minus every detected person's head (cx_j ± 0.65w_j, cap to
//                                                 neck) and torso (cx_j ± 1.3w_j, neck to waist at y_j + 4.5h_j):
//                                                 the backdrop between the heads, the wall or banner beside the
//                                                 person, and below the waists (a flag held in front)
//   besideHead the surround's band at head height, [y − 0.5h, y + 0.6h]: what a cap is compared with
// Other people's heads (face box grown to include a cap) are cut out of a person's torso and head regions, so
// the back row's torso region is not the front row's faces. A region of which less than 30 % is visible (cut
// by the photo's edge, or hidden behind heads) is null; so is a surround of which less than 10 % is left.
// The rule compares the torso with the surround and the cap with the band beside the head: a red backdrop
// behind the people, or a red flag or banner held in front of them, is as red there as on their chests or
// above their faces, and then nobody counts as uniformed.
// What colour cannot tell: a red dress or jumper from a red vest (the rule's share and review band are for
// that), and a vest on someone whose face was not found (masked, turned away): vests are counted per face.
//
// Regions are sampled on a grid of at most ~4 096 points each, so a 300 px face costs as little as a 30 px one.
import type { Box, ColourFractions, Face, PaletteColour, RgbImage, UpperBody } from './types.ts';

export interface PaletteEntry {
  name: PaletteColour;
  /** Hue sector [from, to) in degrees of CIELAB hue angle; from > to wraps through 0°. */
  hue: readonly [from: number, to: number];
  /** Minimum CIELAB chroma; below it the pixel is neutral. */
  minChroma: number;
}

/** The named clothing colours, in order. Changing them changes analyses: bump PIPELINE_VERSION in analyse.ts. */
export const palette: readonly PaletteEntry[] = Object.freeze([
  { name: 'red', hue: [8, 48], minChroma: 30 },
  { name: 'orange', hue: [48, 72], minChroma: 50 },
  { name: 'yellow', hue: [72, 115], minChroma: 45 },
  { name: 'green', hue: [115, 200], minChroma: 25 },
  { name: 'blue', hue: [200, 300], minChroma: 25 },
  { name: 'pink', hue: [300, 8], minChroma: 30 },
] as const);

export const paletteColours: readonly PaletteColour[] = palette.map((p) => p.name);

/** Pixels darker than this CIELAB lightness have no reliable hue. */
const MIN_LIGHTNESS = 10;
/** A torso or head region with less than this fraction visible (in the photo, not behind other heads) is null. */
const MIN_VISIBLE = 0.3;
/** A surround with less than this fraction left after removing the people is null. */
const MIN_SURROUND = 0.1;
/** Sample points per region at most. */
const MAX_SAMPLES = 4096;

/** sRGB 8-bit value → linear light. */
const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};

/** CIELAB L, C, h (degrees in [0, 360)) of linear-light RGB. */
function lchOfLinear(R: number, G: number, B: number): { L: number; C: number; h: number } {
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const fx = f((0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047);
  const fy = f(0.2126729 * R + 0.7151522 * G + 0.072175 * B);
  const fz = f((0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883);
  const a = 500 * (fx - fy);
  const b = 200 * (fy - fz);
  const h = (Math.atan2(b, a) * 180) / Math.PI;
  return { L: 116 * fy - 16, C: Math.hypot(a, b), h: h < 0 ? h + 360 : h };
}

/** CIELAB L, C, h (degrees in [0, 360)) of an 8-bit sRGB colour. */
export function lch(r: number, g: number, b: number): { L: number; C: number; h: number } {
  return lchOfLinear(linear(r), linear(g), linear(b));
}

function paletteOf({ L, C, h }: { L: number; C: number; h: number }): PaletteColour | null {
  if (L < MIN_LIGHTNESS) return null;
  for (const p of palette) {
    const [from, to] = p.hue;
    const inHue = from <= to ? h >= from && h < to : h >= from || h < to;
    if (inHue && C >= p.minChroma) return p.name;
  }
  return null;
}

/** Palette colour of an 8-bit sRGB colour, or null for a neutral one. */
export function classifyColour(r: number, g: number, b: number): PaletteColour | null {
  return paletteOf(lch(r, g, b));
}

let table: Uint8Array | undefined;
/** 5-bit-per-channel RGB → palette index + 1 (0 = neutral), classified at each cell's centre. */
function colourTable(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(32768);
  const lin = Array.from({ length: 32 }, (_, k) => linear(k * 8 + 4));
  for (let r = 0; r < 32; r++) {
    for (let g = 0; g < 32; g++) {
      for (let b = 0; b < 32; b++) {
        const name = paletteOf(lchOfLinear(lin[r]!, lin[g]!, lin[b]!));
        t[(r << 10) | (g << 5) | b] = name ? paletteColours.indexOf(name) + 1 : 0;
      }
    }
  }
  return (table = t);
}

/** A rectangle [x0, x1) × [y0, y1) in some pixel space. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const rectOf = (cx: number, halfWidth: number, y0: number, y1: number): Rect => ({ x0: cx - halfWidth, x1: cx + halfWidth, y0, y1 });
const area = (r: Rect) => Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
const clip = (r: Rect, width: number, height: number): Rect => ({
  x0: Math.max(0, r.x0),
  y0: Math.max(0, r.y0),
  x1: Math.min(width, r.x1),
  y1: Math.min(height, r.y1),
});
const overlaps = (a: Rect, b: Rect) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const scaleRect = (r: Rect, k: number): Rect => ({ x0: r.x0 * k, y0: r.y0 * k, x1: r.x1 * k, y1: r.y1 * k });
const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const boxOf = (r: Rect): Box => ({ x: round1(r.x0), y: round1(r.y0), width: round1(r.x1 - r.x0), height: round1(r.y1 - r.y0) });

/** Colour counts of a rectangle of the image (image pixels), skipping points inside any of `exclude`. */
export function sampleColours(
  image: RgbImage,
  rect: Rect,
  exclude: Rect[] = [],
): { colours: ColourFractions; kept: number; sampled: number } {
  const lut = colourTable();
  const r = clip(rect, image.width, image.height);
  const counts = new Array<number>(palette.length + 1).fill(0);
  let kept = 0;
  let sampled = 0;
  if (area(r) > 0) {
    const step = Math.max(1, Math.sqrt(area(r) / MAX_SAMPLES));
    const skip = exclude.filter((e) => overlaps(e, r));
    const { data, width } = image;
    for (let y = r.y0 + step / 2; y < r.y1; y += step) {
      const yi = Math.floor(y);
      for (let x = r.x0 + step / 2; x < r.x1; x += step) {
        sampled++;
        if (skip.some((e) => x >= e.x0 && x < e.x1 && y >= e.y0 && y < e.y1)) continue;
        const i = (yi * width + Math.floor(x)) * 3;
        counts[lut[((data[i]! >> 3) << 10) | ((data[i + 1]! >> 3) << 5) | (data[i + 2]! >> 3)]!]!++;
        kept++;
      }
    }
  }
  const colours = Object.fromEntries(paletteColours.map((name, k) => [name, kept ? round3(counts[k + 1]! / kept) : 0])) as ColourFractions;
  return { colours, kept, sampled };
}

/** The regions of one face (original-image pixels, not clipped). */
export function upperBodyRegions(box: Box): { torso: Rect; head: Rect; surround: Rect; besideHead: Rect; person: Rect[]; headWithCap: Rect } {
  const { x, y, width: w, height: h } = box;
  const cx = x + w / 2;
  return {
    torso: rectOf(cx, 0.9 * w, y + 1.3 * h, y + 2.5 * h),
    head: rectOf(cx, 0.6 * w, y - 0.5 * h, y + 0.05 * h),
    surround: rectOf(cx, 3 * w, y - 0.5 * h, y + 6 * h),
    besideHead: rectOf(cx, 3 * w, y - 0.5 * h, y + 0.6 * h),
    /** What the person covers: the head with a cap (narrower than the shoulders: the gaps between heads show the backdrop), then the torso to the waist. */
    person: [rectOf(cx, 0.65 * w, y - 0.6 * h, y + 1.1 * h), rectOf(cx, 1.3 * w, y + 1.1 * h, y + 4.5 * h)],
    /** The face grown to include hair and a cap: cut out of other people's regions. */
    headWithCap: rectOf(cx, 0.6 * w, y - 0.5 * h, y + h),
  };
}

/**
 * Clothing colours under every face. `image` is the oriented photo at any size, `scale` its pixels per
 * original pixel; `faces` and the returned boxes are in original pixels of a `width` × `height` photo.
 */
export function measureUpperBodies(image: RgbImage, scale: number, faces: Face[], width: number, height: number): UpperBody[] {
  const regions = faces.map((f) => upperBodyRegions(f.box));
  const toImage = (r: Rect) => scaleRect(r, scale);
  const persons = regions.flatMap((r) => r.person.map(toImage));
  return regions.map((own, i) => {
    const otherHeads = regions.filter((_, j) => j !== i).map((r) => toImage(r.headWithCap));
    const region = (nominal: Rect) => {
      const clipped = clip(nominal, width, height);
      const inPhoto = area(nominal) > 0 ? area(clipped) / area(nominal) : 0;
      if (inPhoto <= 0) return null;
      const s = sampleColours(image, toImage(clipped), otherHeads);
      const visible = inPhoto * (s.sampled ? s.kept / s.sampled : 0);
      return visible >= MIN_VISIBLE && s.kept > 0 ? { box: boxOf(clipped), colours: s.colours } : null;
    };
    const background = (nominal: Rect) => {
      const s = sampleColours(image, toImage(clip(nominal, width, height)), persons);
      return s.sampled && s.kept / s.sampled >= MIN_SURROUND && s.kept >= 16 ? s.colours : null;
    };
    return {
      face: i,
      torso: region(own.torso),
      head: region(own.head),
      surround: background(own.surround),
      besideHead: background(own.besideHead),
    };
  });
}
