import { describe, expect, it } from 'vitest';
import { coreSplit } from '../src/analysis/pool.ts';

describe('coreSplit: how a thread pool shares the cores', () => {
  it('runs one photo per core by default, each photo on one onnxruntime thread', () => {
    expect(coreSplit(undefined, 2)).toEqual({ threads: 2, ortThreads: 1 });
    expect(coreSplit(undefined, 8)).toEqual({ threads: 8, ortThreads: 1 });
  });

  it('shares the cores out when fewer photos run at once (--jobs 1 uses both cores for one photo)', () => {
    expect(coreSplit(1, 2)).toEqual({ threads: 1, ortThreads: 2 });
    expect(coreSplit(3, 8)).toEqual({ threads: 3, ortThreads: 2 });
  });

  it('never gives a thread less than one core, even with more threads than cores', () => {
    expect(coreSplit(4, 2)).toEqual({ threads: 4, ortThreads: 1 });
    expect(coreSplit(undefined, 0)).toEqual({ threads: 1, ortThreads: 1 });
  });
});
