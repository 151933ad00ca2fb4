import { describe, expect, it } from 'vitest';
import { assignSplits, groupCounts, groupKey, parseSplitSpec, splitFromPath, type Split } from '../../../src/lib/dataset';

describe('groupKey', () => {
  it('prefers PatientID, then StudyInstanceUID, then the file', () => {
    expect(groupKey({ patientId: 'P1', studyInstanceUid: '1.2', path: 'a.dcm' })).toBe('patient:P1');
    expect(groupKey({ patientId: '  ', studyInstanceUid: '1.2', path: 'a.dcm' })).toBe('study:1.2');
    expect(groupKey({ path: 'a.dcm' })).toBe('file:a.dcm');
  });
});

describe('groupCounts', () => {
  it('apportions groups by largest remainder', () => {
    expect(groupCounts(10, [0.8, 0.1, 0.1])).toEqual([8, 1, 1]);
    expect(groupCounts(868, [0.8, 0.1, 0.1])).toEqual([694, 87, 87]); // 694.4, 86.8, 86.8 → +1, +1 to the .8s
    expect(groupCounts(5, [1, 0, 0])).toEqual([5, 0, 0]);
  });

  it('gives val and test a group each once there are 3 groups', () => {
    expect(groupCounts(3, [0.8, 0.1, 0.1])).toEqual([1, 1, 1]);
    // 3.2, 0.4, 0.4 → 3, 1 (tie → val), 0 → test takes one from train
    expect(groupCounts(4, [0.8, 0.1, 0.1])).toEqual([2, 1, 1]);
    expect(groupCounts(2, [0.8, 0.1, 0.1])).toEqual([2, 0, 0]);
    expect(groupCounts(3, [0.9, 0.1, 0])).toEqual([2, 1, 0]);
  });

  it('rejects unusable fractions', () => {
    expect(() => groupCounts(3, [0, 0, 0])).toThrow(expect.objectContaining({ code: 'bad-config' }));
    expect(() => groupCounts(3, [1, -1, 1])).toThrow(expect.objectContaining({ code: 'bad-config' }));
  });
});

describe('assignSplits', () => {
  // 300 images of 120 patients, 1–5 images each
  const keys = Array.from({ length: 300 }, (_, i) => `patient:P${(i * 7919) % 120}`);
  const options = { seed: 11, fractions: [0.8, 0.1, 0.1] as [number, number, number] };

  function splitOfGroup(groupKeys: string[], splits: Split[]): Map<string, Split> {
    const map = new Map<string, Split>();
    groupKeys.forEach((k, i) => {
      if (map.has(k)) expect(map.get(k)).toBe(splits[i]);
      map.set(k, splits[i]);
    });
    return map;
  }

  it('keeps every group in one split, with group counts as apportioned', () => {
    const bySplit = splitOfGroup(keys, assignSplits(keys, options));
    const counts = { train: 0, val: 0, test: 0 };
    bySplit.forEach((s) => counts[s]++);
    expect([counts.train, counts.val, counts.test]).toEqual(groupCounts(120, options.fractions));
  });

  it('is deterministic, independent of item order, and changes with the seed', () => {
    const first = splitOfGroup(keys, assignSplits(keys, options));
    const reversed = keys.slice().reverse();
    expect(splitOfGroup(reversed, assignSplits(reversed, options))).toEqual(first);
    const other = splitOfGroup(keys, assignSplits(keys, { ...options, seed: 12 }));
    expect([...first].filter(([k, s]) => other.get(k) !== s).length).toBeGreaterThan(10);
  });

  it('moves few existing groups when one group is added', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `file:${i}.dcm`);
    const before = assignSplits(many, options);
    const after = assignSplits([...many, 'file:new.dcm'], options);
    const moved = before.filter((s, i) => after[i] !== s).length;
    expect(moved).toBeLessThanOrEqual(3);
  });

  it('handles tiny datasets', () => {
    expect(assignSplits([], options)).toEqual([]);
    expect(assignSplits(['a', 'a'], options)).toEqual(['train', 'train']);
    expect(assignSplits(['a', 'b', 'c'], options).slice().sort()).toEqual(['test', 'train', 'val']);
  });
});

describe('parseSplitSpec', () => {
  it('accepts percentages, ratios and fractions', () => {
    expect(parseSplitSpec('80/10/10')).toEqual([0.8, 0.1, 0.1]);
    expect(parseSplitSpec(' 8 : 1 : 1 ')).toEqual([0.8, 0.1, 0.1]);
    expect(parseSplitSpec('70,15,15')).toEqual([0.7, 0.15, 0.15]);
    expect(parseSplitSpec('0.6/0.2/0.2').map((f) => +f.toFixed(12))).toEqual([0.6, 0.2, 0.2]);
    expect(parseSplitSpec('90/10/0')).toEqual([0.9, 0.1, 0]);
  });

  it('rejects malformed specs with bad-config', () => {
    for (const bad of ['80/20', '80/10/10/0', 'a/b/c', '80/-10/30', '0/50/50', '0/0/0', '']) {
      expect(() => parseSplitSpec(bad), bad).toThrow(expect.objectContaining({ code: 'bad-config' }));
    }
  });
});

describe('splitFromPath', () => {
  it('reads a top-level split folder, also under the picked folder name', () => {
    expect(splitFromPath('train/NORMAL/a.png')).toBe('train');
    expect(splitFromPath('Val/PNEUMONIA/b.png')).toBe('val');
    expect(splitFromPath('valid/x.dcm')).toBe('val');
    expect(splitFromPath('chest_xray/validation/NORMAL/c.png')).toBe('val');
    expect(splitFromPath('chest_xray\\test\\NORMAL\\d.png')).toBe('test');
    expect(splitFromPath('./testing/e.dcm')).toBe('test');
  });

  it('ignores deeper folders and the file name', () => {
    expect(splitFromPath('NORMAL/a.png')).toBeNull();
    expect(splitFromPath('export/patients/test/a.dcm')).toBeNull();
    expect(splitFromPath('test')).toBeNull();
    expect(splitFromPath('data/test.dcm')).toBeNull();
  });
});
