/** The mutator: finds element headers and fragments exactly, and every kind is seeded, labelled and targeted. */
import { describe, expect, it } from 'vitest';
import { scanElements } from '../../support/fuzz/elements';
import { MUTATION_KINDS, mutate, mutationTarget, randomVariant } from '../../support/fuzz/mutate';
import { mulberry32 } from '../../../src/lib/random';
import { jpegWithFrameHeader } from '../../support/broken-files';
import { encapsulatedPixelData, imageElements, implicitElement, nativePixelData, part10 } from '../dicom/dicom-builder';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const spec = imageElements({ rows: 4, columns: 4, extra: [{ tag: [0x0028, 0x1053], vr: 'DS', value: '2' }] });
const native = part10(EXPLICIT_LE, spec, nativePixelData(new Uint8Array(16)));
const fragments = [jpegWithFrameHeader(4, 4), new Uint8Array([1, 2, 3, 4])];
const encapsulated = part10('1.2.840.10008.1.2.4.50', spec, encapsulatedPixelData(fragments, [0]));

const tagOf = (h: { group: number; element: number }) => [h.group, h.element];

describe('scanElements', () => {
  it('lists meta and data set headers in file order with VR, length field and value offset', () => {
    const headers = scanElements(native);
    expect(headers.map(tagOf)).toEqual([
      [0x0002, 0x0000],
      [0x0002, 0x0001],
      [0x0002, 0x0010],
      ...[...spec].sort((a, b) => a.tag[0] - b.tag[0] || a.tag[1] - b.tag[1]).map((e) => e.tag),
      [0x7fe0, 0x0010],
    ]);
    expect(headers[0]).toMatchObject({ offset: 132, vr: 'UL', lengthAt: 138, lengthSize: 2, length: 4, valueAt: 140 });
    const pixel = headers.at(-1)!;
    expect(pixel).toMatchObject({ vr: 'OB', lengthSize: 4, length: 16, valueAt: native.length - 16 });
    // consecutive: each element ends where the next begins
    for (let i = 1; i < headers.length; i++) expect(headers[i].offset).toBe(headers[i - 1].valueAt + headers[i - 1].length);
  });

  it('lists the items of encapsulated Pixel Data: offset table, fragments, delimiter', () => {
    const items = scanElements(encapsulated).filter((h) => h.group === 0xfffe);
    expect(items.map((h) => [h.element, h.fragment, h.length])).toEqual([
      [0xe000, 0, 4],
      [0xe000, 1, fragments[0].length + (fragments[0].length % 2)], // items have even length
      [0xe000, 2, 4],
      [0xe0dd, undefined, 0],
    ]);
  });

  it('reads an implicit VR data set without preamble (4-byte lengths, no VR)', () => {
    const bytes = new Uint8Array(spec.flatMap((e) => [...implicitElement(e)]));
    const headers = scanElements(bytes);
    expect(headers).toHaveLength(spec.length);
    expect(headers.every((h) => h.vr === undefined && h.lengthSize === 4)).toBe(true);
  });
});

describe('mutate', () => {
  const target = mutationTarget(encapsulated);

  it.each(MUTATION_KINDS)('%s: labelled, changes the file, same seed same bytes', (kind) => {
    const a = mutate(target, kind, mulberry32(11));
    const b = mutate(target, kind, mulberry32(11));
    expect(a?.kind).toBe(kind);
    expect(a!.detail.length).toBeGreaterThan(0);
    expect(Buffer.from(a!.bytes).equals(Buffer.from(encapsulated))).toBe(false);
    expect(Buffer.from(a!.bytes).equals(Buffer.from(b!.bytes))).toBe(true);
  });

  it('writes the chosen length into the header it names', () => {
    for (const [kind, expected] of [['length-zero', 0], ['length-huge', undefined]] as const) {
      for (let seed = 0; seed < 20; seed++) {
        const v = mutate(target, kind, mulberry32(seed))!;
        const [, at, , after] = /at (\d+): (\d+) → (\d+)/.exec(v.detail)!.map(Number);
        const header = target.headers.find((h) => h.offset === at)!;
        const view = new DataView(v.bytes.buffer);
        const written = header.lengthSize === 2 ? view.getUint16(header.lengthAt, true) : view.getUint32(header.lengthAt, true);
        expect(written).toBe(after);
        if (expected !== undefined) expect(written).toBe(expected);
        else expect(written).toBeGreaterThanOrEqual(header.lengthSize === 2 ? 0xfffe : 0x7ffffffe);
      }
    }
  });

  it('codec-header rewrites the rows or columns of the JPEG frame header', () => {
    const v = mutate(target, 'codec-header', mulberry32(3))!;
    expect(v.detail).toMatch(/^JPEG frame header (rows|columns) ← \d+$/);
    const changed = v.bytes.findIndex((b, i) => b !== encapsulated[i]);
    const sof = target.headers.find((h) => h.fragment === 1)!.valueAt + 2; // after SOI
    expect(changed).toBeGreaterThanOrEqual(sof + 5);
    expect(changed).toBeLessThanOrEqual(sof + 8);
  });

  it('randomVariant spreads over the kinds and only picks kinds that apply', () => {
    const rng = mulberry32(5);
    const kinds = new Set(Array.from({ length: 400 }, () => randomVariant(target, rng).kind));
    expect(kinds.size).toBe(MUTATION_KINDS.length);
    const nativeTarget = mutationTarget(native);
    const nativeKinds = new Set(Array.from({ length: 400 }, () => randomVariant(nativeTarget, rng).kind));
    expect(nativeKinds.has('fragment-length')).toBe(false);
    expect(nativeKinds.has('offset-table')).toBe(false);
  });
});
