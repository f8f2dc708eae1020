import { describe, expect, it } from 'vitest';
import type { UpperBody } from '../../src/analysis/types.ts';
import uniform from '../../src/rules/uniform.ts';
import { analysis, colours, ctx, faces, upperBodies } from '../helpers/analysis.ts';

/** `people` faces of which the first `uniformed` wear a red vest. */
const crowd = (people: number, uniformed: number, vest = colours({ red: 0.6 })) => {
  const list = faces(people);
  return analysis({ faces: list, upperBodies: upperBodies(list, uniformed, vest) });
};

describe('rule uniform (规范着志愿服装)', () => {
  const c = ctx(uniform);

  it.each([
    [25, 25, 'pass', 'uniformed'],
    [25, 9, 'pass', 'uniformed'], // 36 %: volunteers with some residents
    [3, 3, 'pass', 'uniformed'],
    [25, 8, 'review', 'lowShare'], // 32 % < 33 %: a few red clothes, or volunteers among many residents
    [11, 3, 'review', 'lowShare'], // 27 %: a group in its own clothes, three of them red (a red suit, a red top)
    [25, 2, 'review', 'borderline'],
    [4, 2, 'review', 'borderline'],
    [25, 1, 'fail', 'tooFew'], // one red-clad person is no uniformed team
    [4, 1, 'fail', 'tooFew'],
    [25, 0, 'fail', 'tooFew'],
    [3, 0, 'fail', 'tooFew'],
    [2, 0, 'review', 'fewPeople'], // fewer faces than the minimum: masked or turned-away volunteers are missed
    [1, 1, 'review', 'fewPeople'],
    [0, 0, 'review', 'noPeople'],
  ] as const)('%i people, %i in red vests → %s', (people, uniformed, status, messageId) => {
    const r = uniform.check(crowd(people, uniformed), c);
    expect([r.status, r.messageId, r.value]).toEqual([status, messageId, uniformed]);
    expect(r.evidence.faces).toHaveLength(uniformed);
  });

  it('names the uniformed people in the evidence, with the fractions compared', () => {
    const r = uniform.check(crowd(5, 3), c);
    const u = r.evidence.uniformed as { face: number; wears: string; torso: number; surround: number }[];
    expect(u.map((x) => x.face)).toEqual([0, 1, 2]);
    expect(u[0]).toMatchObject({ wears: 'vest', torso: 0.6, surround: 0 });
    expect(r.evidence.faces![0]!.box).toEqual(faces(5)[0]!.box);
  });

  const one = (body: Partial<UpperBody>) => {
    const list = faces(1);
    return analysis({ faces: list, upperBodies: [{ ...upperBodies(list, 0)[0]!, ...body }] });
  };
  const torso = (c: ReturnType<typeof colours>) => ({ box: { x: 0, y: 0, width: 10, height: 10 }, colours: c });
  const strict = ctx(uniform, '雁江镇', '四', { min: 1, reviewBelow: 0, minShare: 0 });

  it.each([
    ['a red vest on a neutral background', { torso: torso(colours({ red: 0.6 })) }, true],
    ['a torso barely red (25 % < 30 %)', { torso: torso(colours({ red: 0.25 })) }, false],
    ['red torso in front of a red banner or flag (as red beside)', { torso: torso(colours({ red: 0.7 })), surround: colours({ red: 0.6 }) }, false],
    ['red vest with some red beside (contrast 0.3)', { torso: torso(colours({ red: 0.7 })), surround: colours({ red: 0.4 }) }, true],
    ['torso hidden (null), red cap', { torso: null, head: torso(colours({ red: 0.5 })) }, true],
    ['red cap in front of a red backdrop', { head: torso(colours({ red: 0.5 })), besideHead: colours({ red: 0.5 }) }, false],
    ['red cap, the red only below the waists (a table)', { head: torso(colours({ red: 0.5 })), surround: colours({ red: 0.5 }) }, true],
    ['an orange vest where red is the uniform', { torso: torso(colours({ orange: 0.7 })) }, false],
    ['red vest, no surround measured (a tight row of people)', { torso: torso(colours({ red: 0.6 })), surround: null }, true],
  ] as const)('%s → uniformed: %s', (_, body, expected) => {
    expect(uniform.check(one(body as Partial<UpperBody>), strict).value).toBe(expected ? 1 : 0);
  });

  it('takes the colours from the campaign: orange, blue, or red and orange together', () => {
    const orange = crowd(10, 10, colours({ orange: 0.7 }));
    expect(uniform.check(orange, c).status).toBe('fail');
    expect(uniform.check(orange, ctx(uniform, '雁江镇', '四', { colours: ['orange'] })).status).toBe('pass');
    const blue = crowd(10, 10, colours({ blue: 0.5 }));
    expect(uniform.check(blue, ctx(uniform, '雁江镇', '四', { colours: ['blue'] })).status).toBe('pass');
    // Half red, half orange on each torso: neither alone reaches 30 % … both together do.
    const mixed = crowd(10, 10, colours({ red: 0.2, orange: 0.2 }));
    expect(uniform.check(mixed, c).status).toBe('fail');
    expect(uniform.check(mixed, ctx(uniform, '雁江镇', '四', { colours: ['red', 'orange'] })).status).toBe('pass');
  });

  it('counts caps only when the campaign does', () => {
    const capped = one({ head: torso(colours({ red: 0.6 })) });
    expect(uniform.check(capped, strict).value).toBe(1);
    expect(uniform.check(capped, ctx(uniform, '雁江镇', '四', { min: 1, reviewBelow: 0, minShare: 0, caps: false })).value).toBe(0);
  });

  it('ignores faces below minFaceScore, in the count and in the share', () => {
    const list = [...faces(4), ...faces(10, 0.3)];
    const r = uniform.check(analysis({ faces: list, upperBodies: upperBodies(list, 14) }), c);
    expect([r.status, r.value, r.data.people]).toEqual(['pass', 4, 4]);
  });

  it('says the uniform in the fix, and sends an analysis without clothing colours to review', () => {
    expect(uniform.check(crowd(25, 0), c).data.uniform).toEqual({ zh: '红马甲、红帽子', en: 'red vests, red caps' });
    expect(uniform.check(analysis({ upperBodies: undefined }), c)).toMatchObject({ status: 'review', messageId: 'notMeasured' });
  });
});
