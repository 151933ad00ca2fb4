import { describe, expect, it } from 'vitest';
import { loadByOwner, metaById, OpenedSets, type ImageMeta } from '../../../src/lib/eval/opened-sets';

interface FakeSet {
  name: string;
  metas: ImageMeta[];
}

const setOf = (name: string, paths: string[]): FakeSet => ({ name, metas: paths.map((p) => ({ id: `${name}|${p}`, sourcePath: p })) });

describe('OpenedSets', () => {
  it('opens a set once per version and reopens it when its version changes (re-imported)', async () => {
    const sets = new OpenedSets<ImageMeta, FakeSet>();
    let opens = 0;
    const open = (paths: string[]) => async () => (opens++, setOf('ext', paths));
    const first = await sets.get('ext', 'v1', open(['a.dcm', 'b.dcm']));
    expect(await sets.get('ext', 'v1', open(['x.dcm']))).toBe(first);
    expect(opens).toBe(1);
    const second = await sets.get('ext', 'v2', open(['b.dcm', 'c.dcm']));
    expect(opens).toBe(2);
    expect(second).not.toBe(first);
    expect(sets.find('ext|a.dcm')).toBeUndefined();
    expect(sets.find('ext|b.dcm')?.set).toBe(second);
    expect(sets.find('ext|c.dcm')?.meta.sourcePath).toBe('c.dcm');
  });

  it('forgets a deleted set: its images belong to no set and it is opened anew', async () => {
    const sets = new OpenedSets<ImageMeta, FakeSet>();
    const a = await sets.get('a', 'v1', async () => setOf('a', ['1.png']));
    const b = await sets.get('b', 'v1', async () => setOf('b', ['1.png']));
    sets.forget('a');
    expect(sets.find('a|1.png')).toBeUndefined();
    expect(sets.find('b|1.png')?.set).toBe(b);
    const again = await sets.get('a', 'v1', async () => setOf('a', ['1.png']));
    expect(again).not.toBe(a);
    expect(sets.find('a|1.png')?.set).toBe(again);
  });

  it('keeps nothing of a set that failed to open', async () => {
    const sets = new OpenedSets<ImageMeta, FakeSet>();
    await sets.get('a', 'v1', async () => setOf('a', ['1.png']));
    await expect(sets.get('a', 'v2', async () => Promise.reject(new Error('not imported')))).rejects.toThrow('not imported');
    expect(sets.find('a|1.png')).toBeUndefined();
  });
});

describe('metaById', () => {
  it('finds every image of a metas array by id, and reuses the index for the same array', () => {
    const { metas } = setOf('d', ['a', 'b', 'c']);
    const index = metaById(metas);
    expect(index.get('d|b')).toBe(metas[1]);
    expect(index.get('d|z')).toBeUndefined();
    expect(metaById(metas)).toBe(index);
  });
});

describe('loadByOwner', () => {
  it('makes one load per owner and returns results in the order asked', async () => {
    const calls: string[][] = [];
    const ids = ['a|1', 'b|1', 'a|2', 'b|2', 'a|3'];
    const out = await loadByOwner(
      ids,
      (id) => id.split('|')[0],
      async (owner, part) => {
        calls.push([owner, ...part]);
        return part.map((id) => `pixels of ${id}`);
      },
    );
    expect(out).toEqual(ids.map((id) => `pixels of ${id}`));
    expect(calls).toEqual([
      ['a', 'a|1', 'a|2', 'a|3'],
      ['b', 'b|1', 'b|2'],
    ]);
  });

  it('throws for an id that belongs to no owner before loading anything', async () => {
    let loads = 0;
    const ownerOf = (id: string) => {
      if (id === 'lost') throw new Error('belongs to no dataset');
      return 'a';
    };
    await expect(loadByOwner(['x', 'lost'], ownerOf, async (_, part) => (loads++, part))).rejects.toThrow('belongs to no dataset');
    expect(loads).toBe(0);
  });
});
