import { describe, expect, it } from 'vitest';
import { epochOrder, type Example } from '../../../src/lib/train/batches';

const examples = (n: number, label: (i: number) => number): Example[] => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, label: label(i) }));
/** 3 positives (e0–e2), 7 negatives (e3–e9) */
const binary = examples(10, (i) => (i < 3 ? 1 : 0));
/** 5 of class 0, 2 of class 1, 2 of class 2 */
const three = examples(9, (i) => (i < 5 ? 0 : i < 7 ? 1 : 2));
const ids = (order: Example[]) => order.map((e) => e.id);

function countBy<T>(items: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

describe('epochOrder', () => {
  it('gives the orders the quadratic implementation gave (recorded from it before the rewrite)', () => {
    expect(ids(epochOrder(binary, 7, 1, true))).toEqual(['e0', 'e0', 'e1', 'e6', 'e3', 'e0', 'e1', 'e7', 'e9', 'e2', 'e4', 'e0', 'e5', 'e8']);
    expect(ids(epochOrder(binary, 7, 2, true))).toEqual(['e2', 'e7', 'e6', 'e1', 'e5', 'e1', 'e4', 'e2', 'e9', 'e0', 'e2', 'e2', 'e3', 'e8']);
    expect(ids(epochOrder(binary, 7, 1, false))).toEqual(['e6', 'e8', 'e9', 'e7', 'e3', 'e5', 'e4', 'e1', 'e0', 'e2']);
    expect(ids(epochOrder(three, 3, 4, true))).toEqual(['e3', 'e8', 'e5', 'e0', 'e7', 'e5', 'e6', 'e2', 'e4', 'e7', 'e7', 'e6', 'e1', 'e7', 'e5']);
  });

  it('oversampling: every class as frequent as the largest, every example present at least once', () => {
    for (const [set, largest, classes] of [
      [binary, 7, 2],
      [three, 5, 3],
    ] as const) {
      for (const epoch of [1, 2, 3]) {
        const order = epochOrder(set, 11, epoch, true);
        expect(order).toHaveLength(largest * classes);
        expect([...countBy(order.map((e) => e.label)).values()]).toEqual(Array(classes).fill(largest));
        expect(new Set(ids(order))).toEqual(new Set(ids(set)));
        // the largest class is not resampled: each of its examples exactly once
        const majority = set.filter((e) => set.filter((o) => o.label === e.label).length === largest);
        for (const e of majority) expect(order.filter((o) => o === e)).toHaveLength(1);
      }
    }
  });

  it('without oversampling: a permutation of the split', () => {
    const order = epochOrder(binary, 5, 1, false);
    expect(order).toHaveLength(10);
    expect(ids(order).sort()).toEqual(ids(binary).sort());
  });

  it('is fixed by (seed, epoch) and differs between epochs and seeds', () => {
    expect(ids(epochOrder(binary, 9, 3, true))).toEqual(ids(epochOrder(binary, 9, 3, true)));
    expect(ids(epochOrder(binary, 9, 3, true))).not.toEqual(ids(epochOrder(binary, 9, 4, true)));
    expect(ids(epochOrder(binary, 9, 3, true))).not.toEqual(ids(epochOrder(binary, 10, 3, true)));
  });

  it('leaves a balanced split alone (no duplicates) and does not reorder the caller’s array', () => {
    const balanced = examples(6, (i) => i % 2);
    const before = ids(balanced);
    const order = epochOrder(balanced, 1, 1, true);
    expect(ids(order).sort()).toEqual([...before].sort());
    expect(ids(balanced)).toEqual(before);
  });
});
