import { describe, expect, it } from 'vitest';
import { bySourcePath, compareText } from '../../../src/lib/dataset/order';

describe('path order', () => {
  it('orders by UTF-16 code unit, not by locale: upper case before lower case, "B/x" before "a/x"', () => {
    expect(['b.dcm', 'a/x.dcm', 'B/x.dcm', 'a.dcm', 'é.dcm', 'a/x.dcm'].sort(compareText)).toEqual(['B/x.dcm', 'a.dcm', 'a/x.dcm', 'a/x.dcm', 'b.dcm', 'é.dcm']);
  });

  it('equal paths compare equal in both directions, so a stable sort keeps their order', () => {
    expect(compareText('p/1.dcm', 'p/1.dcm')).toBe(0);
    const records = [
      { sourcePath: 'z/2.dcm', id: 1 },
      { sourcePath: 'a/1.dcm', id: 2 },
      { sourcePath: 'z/2.dcm', id: 3 },
      { sourcePath: 'a/10.dcm', id: 4 },
    ];
    expect(records.sort(bySourcePath).map((r) => r.id)).toEqual([2, 4, 1, 3]);
  });
});
