// Clothing colours under faces (src/analysis/uniform.ts) on small synthetic images: palette, lighting, regions, backdrops.
import { describe, expect, it } from 'vitest';
import type { Face, RgbImage } from '../src/analysis/types.ts';
import { classifyColour, lch, measureUpperBodies, sampleColours } from '../src/analysis/uniform.ts';

type Rgb = readonly [number, number, number];

function image(width: number, height: number, fill: Rgb): RgbImage & { paint(x0: number, y0: number, x1: number, y1: number, c: Rgb): void } {
  const data = new Uint8Array(width * height * 3);
  const paint = (x0: number, y0: number, x1: number, y1: number, c: Rgb) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) data.set(c, (y * width + x) * 3);
    }
  };
  paint(0, 0, width, height, fill);
  return { data, width, height, paint };
}

const VEST: Rgb = [206, 24, 32];
const SKIN: Rgb = [224, 172, 140];
const WALL: Rgb = [200, 200, 195];
const face = (x: number, y: number, size = 40): Face => ({ box: { x, y, width: size, height: size }, score: 0.9 });

/** A person: skin face at (x, y), a `shirt`-coloured body 2.4 face-widths wide from the chin down. */
function person(img: ReturnType<typeof image>, x: number, y: number, shirt: Rgb, size = 40) {
  img.paint(x, y, x + size, y + size, SKIN);
  img.paint(x - 0.7 * size, y + 1.15 * size, x + 1.7 * size, y + 5 * size, shirt);
}

describe('clothing colour palette (CIELAB hue sectors with chroma floors)', () => {
  it.each([
    [[206, 24, 32], 'red'], // vest red
    [[120, 15, 20], 'red'], // the same vest in shadow
    [[255, 120, 110], 'red'], // the same vest in strong sun
    [[128, 0, 32], 'red'], // maroon
    [[240, 80, 40], 'red'], // orange-red vest
    [[250, 110, 20], 'orange'],
    [[250, 220, 0], 'yellow'],
    [[220, 240, 30], 'yellow'], // high-visibility yellow-green
    [[30, 140, 60], 'green'],
    [[20, 60, 180], 'blue'],
    [[20, 30, 80], 'blue'], // navy
    [[255, 105, 180], 'pink'],
    [[224, 172, 140], null], // light skin
    [[141, 85, 36], null], // dark skin
    [[230, 160, 110], null], // skin under warm light
    [[255, 220, 180], null], // a white wall under warm light
    [[128, 128, 128], null],
    [[40, 8, 10], null], // too dark to have a hue
  ] as [Rgb, string | null][])('rgb(%j) → %s', (rgb, name) => {
    expect(classifyColour(...rgb)).toBe(name);
  });

  it('computes CIELAB like the reference (sRGB red: L 53.2, C 104.6, h 40°)', () => {
    const { L, C, h } = lch(255, 0, 0);
    expect([Math.round(L * 10) / 10, Math.round(C * 10) / 10, Math.round(h)]).toEqual([53.2, 104.6, 40]);
  });

  it('keeps a red vest red when the light halves, and a grey wall neutral', () => {
    const dim = (c: Rgb, k: number) => c.map((v) => Math.round(255 * ((v / 255) ** 2.2 * k) ** (1 / 2.2))) as unknown as Rgb;
    for (const k of [1, 0.5, 0.25, 0.12]) {
      expect(classifyColour(...dim(VEST, k)), `vest ×${k}`).toBe('red');
      expect(classifyColour(...dim(WALL, k)), `wall ×${k}`).toBeNull();
    }
  });

  it('samples fractions of a rectangle, skipping excluded parts', () => {
    const img = image(100, 100, WALL);
    img.paint(0, 0, 50, 100, VEST);
    expect(sampleColours(img, { x0: 0, y0: 0, x1: 100, y1: 100 }).colours.red).toBeCloseTo(0.5, 1);
    const s = sampleColours(img, { x0: 0, y0: 0, x1: 100, y1: 100 }, [{ x0: 50, y0: 0, x1: 100, y1: 100 }]);
    expect(s.colours.red).toBe(1);
    expect(s.kept / s.sampled).toBeCloseTo(0.5, 1);
  });
});

describe('measureUpperBodies', () => {
  it('finds a red vest under one face and a grey shirt under another, on a neutral wall', () => {
    const img = image(600, 400, WALL);
    person(img, 100, 80, VEST);
    person(img, 400, 80, [90, 90, 90]);
    const [vest, plain] = measureUpperBodies(img, 1, [face(100, 80), face(400, 80)], 600, 400);
    expect(vest!.torso!.colours.red).toBeGreaterThan(0.9);
    expect(vest!.surround!.red).toBeLessThan(0.1); // only the vest's hem, below the waist
    expect(plain!.torso!.colours.red).toBe(0);
    expect(vest!.torso!.box).toEqual({ x: 84, y: 132, width: 72, height: 48 }); // cx ± 0.9w × [y + 1.3h, y + 2.5h]
  });

  it('sees the red backdrop beside a person in a white shirt holding nothing red', () => {
    const img = image(600, 400, [200, 20, 30]); // a red wall or banner behind
    person(img, 280, 80, [245, 245, 245]);
    const [u] = measureUpperBodies(img, 1, [face(280, 80)], 600, 400);
    expect(u!.torso!.colours.red).toBeLessThan(0.15); // the shirt
    expect(u!.surround!.red).toBeGreaterThan(0.8); // the backdrop
  });

  it('sees a flag held in front of the chest also beside and below the people', () => {
    const img = image(800, 500, WALL);
    const xs = [140, 200, 260, 320, 380, 440]; // a tight row, as people line up behind a flag
    for (const x of xs) person(img, x, 60, [245, 245, 245]);
    img.paint(40, 125, 620, 500, [200, 20, 30]); // the flag, from chest level down
    const bodies = measureUpperBodies(img, 1, xs.map((x) => face(x, 60)), 800, 500);
    for (const u of bodies) {
      expect(u.torso!.colours.red).toBeGreaterThan(0.3); // the torso region alone would be fooled…
      expect(u.surround!.red).toBeGreaterThan(u.torso!.colours.red - 0.2); // …the surround is as red
    }
  });

  it('sees a red banner behind a tight row of heads in the gaps between them (no cap is counted from it)', () => {
    const img = image(800, 500, WALL);
    img.paint(0, 20, 800, 110, [200, 20, 30]); // a banner on the wall behind the heads
    const xs = [140, 215, 290, 365, 440, 515]; // shoulder to shoulder
    for (const x of xs) person(img, x, 60, [90, 90, 90]);
    for (const u of measureUpperBodies(img, 1, xs.map((x) => face(x, 60)), 800, 500)) {
      expect(u.head!.colours.red).toBeGreaterThan(0.5); // the banner shows above every face…
      expect(u.besideHead!.red).toBeGreaterThan(u.head!.colours.red - 0.2); // …and between the heads
      expect(u.torso!.colours.red).toBe(0);
    }
  });

  it('maps boxes through the scale, clips at the photo edge and gives null for a torso out of the picture', () => {
    const img = image(300, 200, WALL); // the photo at half size
    person(img, 50, 40, VEST, 20);
    const [u, low] = measureUpperBodies(img, 0.5, [face(100, 80), face(400, 360)], 600, 400);
    expect(u!.torso!.box).toEqual({ x: 84, y: 132, width: 72, height: 48 });
    expect(u!.torso!.colours.red).toBeGreaterThan(0.9);
    expect(low!.torso).toBeNull(); // chin at the bottom edge
  });

  it("cuts other people's heads out of a torso region (the back row behind the front row)", () => {
    const img = image(400, 400, WALL);
    person(img, 180, 40, [90, 90, 90]); // back row, grey shirt
    img.paint(180, 92, 220, 112, [200, 20, 30]); // a front-row person's red cap…
    img.paint(180, 112, 220, 150, SKIN); // …and face, inside the back row's torso region
    const [alone] = measureUpperBodies(img, 1, [face(180, 40)], 400, 400);
    expect(alone!.torso!.colours.red).toBeGreaterThan(0.15); // without the front face, the cap would count
    const [back] = measureUpperBodies(img, 1, [face(180, 40), face(180, 112)], 400, 400);
    expect(back!.torso!.colours.red).toBe(0);
  });
});
