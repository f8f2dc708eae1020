import { describe, expect, it } from 'vitest';
import { bestSubstringMatch, editDistance, normalizeText } from '../src/text/match.ts';

describe('text matching', () => {
  it('normalises width, case, spaces and punctuation', () => {
    expect(normalizeText('“关爱 一老一小”，ＡＢＣ３·１５！')).toBe('关爱一老一小abc315');
  });
  it('finds the best approximate occurrence of a keyword inside a line', () => {
    expect(bestSubstringMatch('一老一小', '雁江镇关爱一老一小志愿服务')).toMatchObject({ similarity: 1, edits: 0, matched: '一老一小' });
    expect(bestSubstringMatch('节水护水', '临江镇节水扩水活动')).toMatchObject({ edits: 1, similarity: 0.75, matched: '节水扩水' });
    expect(bestSubstringMatch('关爱一老一小', '关爱一老小')).toMatchObject({ edits: 1 });
    expect(bestSubstringMatch('世界水日', '欢迎光临').similarity).toBe(0);
  });
  it('computes edit distance by code point', () => {
    expect(editDistance('宿迁公益', '迁公路')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
