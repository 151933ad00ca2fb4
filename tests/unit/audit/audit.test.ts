import { describe, expect, it } from 'vitest';
import { buildAudit } from '../../../src/lib/audit/audit';
import { findNearDuplicates, leakageMessage } from '../../../src/lib/audit/near-duplicates';
import { cramersV, findShortcuts } from '../../../src/lib/audit/shortcuts';
import type { AuditImage, ImageTags } from '../../../src/lib/audit/types';
import type { Split } from '../../../src/lib/dataset/splits';
import { auditJson, auditPairsCsv, auditTablesCsv } from '../../../src/lib/audit/export';
import { csvRecords } from '../../../src/lib/dataset/csv';

const classes = ['NORMAL', 'PNEUMONIA'];
let next = 0;

function img(options: { label: number; split?: Split; patient?: string; hash?: string; tags?: ImageTags; content?: string }): AuditImage {
  const n = next++;
  return {
    id: `d|img-${n}`,
    sourcePath: `${classes[options.label] ?? 'x'}/img-${n}.dcm`,
    label: options.label,
    split: options.split ?? 'train',
    patientId: options.patient ?? `p${n}`,
    contentHash: options.content ?? `c${n}`,
    originalWidth: 224,
    originalHeight: 224,
    phash: options.hash,
    tags: options.tags,
  };
}

/** `base` with the bits in `bits` inverted (bit 0 = most significant), so distances are known. */
function withFlips(base: string, bits: number[]): string {
  let v = BigInt(`0x${base}`);
  for (const b of bits) v ^= 1n << BigInt(63 - b);
  return v.toString(16).padStart(16, '0');
}

const A = '0123456789abcdef';
const B = 'fedcba9876543210';

describe('near-duplicates', () => {
  it('pairs images within the threshold, marks cross-split and exact pairs, names the splits', () => {
    const original = img({ label: 0, split: 'train', hash: A, content: 'same' });
    const exactCopy = img({ label: 1, split: 'test', hash: A, content: 'same' });
    const close = img({ label: 1, split: 'val', hash: withFlips(A, [0, 9, 33, 60]) });
    const far = img({ label: 0, split: 'test', hash: withFlips(A, [0, 1, 2, 3, 4, 5]) });
    const other = img({ label: 0, split: 'train', hash: B });
    const unhashed = img({ label: 0 });
    const result = findNearDuplicates([original, exactCopy, close, far, other, unhashed], classes, 4);
    // original–exactCopy (0), original–close (4), exactCopy–close (4); far is 6 from both
    expect(result.total).toBe(3);
    expect(result.crossSplit).toBe(3);
    expect(result.labelConflicts).toBe(2);
    expect(result.pairs.map((p) => [p.a.id, p.b.id, p.distance])).toEqual([
      [original.id, exactCopy.id, 0],
      [original.id, close.id, 4],
      [exactCopy.id, close.id, 4],
    ]);
    expect(result.pairs[0]).toMatchObject({ exact: true, crossSplit: true, a: { split: 'train', label: 'NORMAL', path: original.sourcePath }, b: { split: 'test', label: 'PNEUMONIA' } });
    expect(result.leaks).toEqual([
      { splits: ['train', 'val'], pairs: 1, exact: 0 },
      { splits: ['train', 'test'], pairs: 1, exact: 1 },
      { splits: ['val', 'test'], pairs: 1, exact: 0 },
    ]);
    expect(leakageMessage(result.leaks)).toBe(
      'Possible leakage: 1 near-duplicate pair across train and val, 1 across train and test (1 with identical pixels), 1 across val and test. ' +
        'The same picture in two splits makes validation and test figures look better than they are.',
    );
  });

  it('stores at most the cap, cross-split pairs first, and still counts every pair', () => {
    const images = Array.from({ length: 6 }, (_, i) => img({ label: 0, split: i === 5 ? 'test' : 'train', hash: A }));
    const result = findNearDuplicates(images, classes, 4, 3);
    expect(result.total).toBe(15);
    expect(result.crossSplit).toBe(5);
    expect(result.pairs).toHaveLength(3);
    expect(result.pairs.every((p) => p.crossSplit)).toBe(true);
  });

  it('says nothing about leakage when every pair is within one split', () => {
    const result = findNearDuplicates([img({ label: 0, hash: A }), img({ label: 0, hash: A })], classes);
    expect(result.total).toBe(1);
    expect(leakageMessage(result.leaks)).toBeNull();
  });
});

describe('per split summary', () => {
  it('counts classes, patients and images per patient', () => {
    const images = [
      img({ label: 0, split: 'train', patient: 'a' }),
      img({ label: 0, split: 'train', patient: 'a' }),
      img({ label: 1, split: 'train', patient: 'a' }),
      img({ label: 1, split: 'train', patient: 'b' }),
      img({ label: -1, split: 'val', patient: 'c' }),
    ];
    const audit = buildAudit(images, classes);
    expect(audit.splits[0]).toEqual({ split: 'train', images: 4, byClass: [2, 2], unlabelled: 0, patients: 2, imagesPerPatient: { mean: 2, max: 3 } });
    expect(audit.splits[1]).toMatchObject({ split: 'val', images: 1, byClass: [0, 0], unlabelled: 1, patients: 1 });
    expect(audit.splits[2]).toMatchObject({ split: 'test', images: 0, patients: 0, imagesPerPatient: { mean: 0, max: 0 } });
    expect(audit.hashedImages).toBe(0);
  });
});

describe('attributes and shortcuts', () => {
  it('counts attribute values per class, with the images that lack them', () => {
    const images = [
      img({ label: 0, tags: { viewPosition: 'PA', transferSyntax: '1.2.840.10008.1.2.1' } }),
      img({ label: 1, tags: { viewPosition: 'AP' } }),
      img({ label: 1, tags: { viewPosition: 'AP' } }),
      img({ label: 1 }),
    ];
    const audit = buildAudit(images, classes);
    const view = audit.attributes.find((a) => a.attribute === 'viewPosition')!;
    expect(view.values).toEqual([
      { value: 'AP', count: 2, byClass: [0, 2] },
      { value: 'PA', count: 1, byClass: [1, 0] },
    ]);
    expect(view.missing).toBe(1);
    expect(audit.attributes.find((a) => a.attribute === 'originalSize')!.values).toEqual([{ value: '224×224', count: 4, byClass: [1, 3] }]);
    expect(audit.attributes.find((a) => a.attribute === 'transferSyntax')!.values[0].value).toContain('1.2.840.10008.1.2.1');
  });

  it('flags every positive AP and every negative PA, naming the attribute, values and classes', () => {
    const images = [
      ...Array.from({ length: 12 }, () => img({ label: 0, tags: { viewPosition: 'PA', manufacturer: i2m() } })),
      ...Array.from({ length: 12 }, () => img({ label: 1, tags: { viewPosition: 'AP', manufacturer: i2m() } })),
    ];
    const shortcuts = findShortcuts(images, classes);
    expect(shortcuts.map((s) => s.attribute)).toEqual(['viewPosition']);
    expect(shortcuts[0].cramersV).toBeCloseTo(1, 9);
    expect(shortcuts[0].message).toBe(
      "Every NORMAL image is PA and every PNEUMONIA image is AP (view position, Cramér's V 1.00): the model can learn the view position instead of the disease.",
    );
  });

  it('flags a negative class that all comes from one manufacturer', () => {
    const images = [
      ...Array.from({ length: 40 }, () => img({ label: 0, tags: { manufacturer: 'Acme' } })),
      ...Array.from({ length: 10 }, () => img({ label: 1, tags: { manufacturer: 'Acme' } })),
      ...Array.from({ length: 20 }, () => img({ label: 1, tags: { manufacturer: 'Bolt' } })),
      ...Array.from({ length: 20 }, () => img({ label: 1, tags: { manufacturer: 'Core' } })),
    ];
    const [warning] = findShortcuts(images, classes);
    expect(warning.attribute).toBe('manufacturer');
    expect(warning.dominant).toEqual([
      { className: 'NORMAL', value: 'Acme', share: 1 },
      { className: 'PNEUMONIA', value: 'Bolt', share: 0.4 },
    ]);
    expect(warning.message).toMatch(/^Every NORMAL image is Acme and 40 % of PNEUMONIA images are Bolt \(manufacturer/);
  });

  it('does not flag a balanced attribute, nor values unique to single images', () => {
    const images = Array.from({ length: 40 }, (_, i) =>
      img({ label: i % 2, tags: { viewPosition: i % 4 < 2 ? 'PA' : 'AP', pixelSpacing: `0.1${i}\\0.1${i}` } }),
    );
    expect(findShortcuts(images, classes)).toEqual([]);
  });

  it("Cramér's V of simple tables", () => {
    expect(cramersV([[10, 0], [0, 10]])).toBeCloseTo(1, 12);
    expect(cramersV([[5, 5], [5, 5]])).toBe(0);
    expect(cramersV([[10, 10]])).toBe(0);
  });
});

let m = 0;
/** manufacturers spread evenly over both classes */
function i2m(): string {
  return ['Acme', 'Bolt', 'Core'][m++ % 3];
}

describe('audit downloads', () => {
  it('writes one CSV row per pair and the tables in long form', () => {
    const a = img({ label: 0, split: 'train', hash: A, content: 'x', tags: { viewPosition: 'PA' } });
    const b = img({ label: 1, split: 'test', hash: A, content: 'x', tags: { viewPosition: 'AP' } });
    const audit = buildAudit([a, b], classes);
    const pairs = csvRecords(auditPairsCsv(audit));
    expect(pairs).toEqual([
      { distance: '0', exact: '1', cross_split: '1', a_path: a.sourcePath, a_split: 'train', a_label: 'NORMAL', b_path: b.sourcePath, b_split: 'test', b_label: 'PNEUMONIA', a_id: a.id, b_id: b.id },
    ]);
    const tables = csvRecords(auditTablesCsv(audit, classes));
    expect(tables).toContainEqual({ table: 'split', row: 'test', column: 'PNEUMONIA', value: '1' });
    expect(tables).toContainEqual({ table: 'attribute:viewPosition', row: 'AP', column: 'images', value: '1' });
    expect(tables).toContainEqual({ table: 'leakage', row: 'train|test', column: 'exact', value: '1' });
    const json = JSON.parse(auditJson(audit, { id: 'd', name: 'n', classes }));
    expect(json.dataset).toEqual({ id: 'd', name: 'n', classes });
    expect(json.nearDuplicates.total).toBe(1);
  });
});
