import { describe, expect, it } from 'vitest';
import {
  boxFrom,
  CATEGORY_COLOURS,
  colourOptions,
  colourPoints,
  fitTransform,
  latentCsv,
  latentPoints,
  LATENT_COLUMNS,
  LOSS_CAP,
  MAX_RADIUS,
  MIN_RADIUS,
  nearestPoint,
  pointsInBox,
  radiusForLoss,
  sampleInOrder,
  thumbnail,
  toPixel,
} from '../../../src/lib/latent';
import { parseCsv } from '../../../src/lib/dataset/csv';
import { mulberry32 } from '../../../src/lib/random';

const image = (id: string, label: number, logit: number, tags = {}) => ({ id, sourcePath: `${id}.dcm`, split: 'val', label, logits: [logit], tags });

describe('map geometry', () => {
  const coords = [-2, 1, 2, 3, 0, 2];

  it('fits the points into the canvas with one scale for both axes, centred, inside the margin', () => {
    const t = fitTransform(coords, 400, 300, 10);
    expect(t.a).toBe(t.c);
    // x spans 4 in 380 px, y 2 in 280 px: x is the tighter fit
    expect(t.a).toBeCloseTo(95);
    expect(toPixel(t, -2, 1)[0]).toBeCloseTo(10);
    expect(toPixel(t, 2, 3)[0]).toBeCloseTo(390);
    expect(toPixel(t, 0, 2)).toEqual([200, 150]);
    expect(toPixel(t, -2, 1)[1]).toBeCloseTo(55);
  });

  it('hit-tests a box in pixels, in any drag direction, edges included', () => {
    const t = fitTransform(coords, 400, 300, 10);
    expect(pointsInBox(coords, t, boxFrom(0, 0, 200, 300))).toEqual([0, 2]);
    expect(pointsInBox(coords, t, boxFrom(400, 300, 199, 0))).toEqual([1, 2]);
    expect(pointsInBox(coords, t, boxFrom(11, 0, 150, 300))).toEqual([]);
  });

  it('finds the nearest point within a radius', () => {
    const t = fitTransform(coords, 400, 300, 10);
    expect(nearestPoint(coords, t, 205, 153, 10)).toBe(2);
    expect(nearestPoint(coords, t, 300, 150, 10)).toBe(-1);
  });
});

describe('points, colours and sizes', () => {
  it('scores each point at the threshold and temperature: prediction, p, BCE loss, correctness', () => {
    const [a, b] = latentPoints([image('a', 1, 2), image('b', 0, 2)], [0, 0, 1, 1], 0.5, 2);
    expect(a.p).toBeCloseTo(1 / (1 + Math.exp(-1)));
    expect(a.loss).toBeCloseTo(Math.log(1 + Math.exp(-1)));
    expect(b.loss).toBeCloseTo(Math.log(1 + Math.exp(1)));
    expect([a.correct, b.correct]).toEqual([true, false]);
    expect(latentPoints([image('b', 0, 2)], [0, 0], 0.9)[0].correct).toBe(true);
  });

  it('radius grows with the loss: area in proportion, from the smallest at 0 to the largest at the cap', () => {
    expect(radiusForLoss(0)).toBe(MIN_RADIUS);
    expect(radiusForLoss(LOSS_CAP)).toBeCloseTo(MAX_RADIUS);
    expect(radiusForLoss(50)).toBeCloseTo(MAX_RADIUS);
    expect(radiusForLoss(1)).toBeLessThan(radiusForLoss(2));
    expect(radiusForLoss(2) ** 2 - MIN_RADIUS ** 2).toBeCloseTo((MAX_RADIUS ** 2 - MIN_RADIUS ** 2) / 2);
  });

  it('colours by label in class order, by correctness, and by a DICOM attribute with a missing value last', () => {
    const points = latentPoints([image('a', 1, 3, { viewPosition: 'PA' }), image('b', 0, 3, { viewPosition: 'AP' }), image('c', 0, -3)], [0, 0, 1, 1, 2, 2], 0.5);
    const byLabel = colourPoints(points, 'label', ['normal', 'pneumonia']);
    expect(byLabel.legend).toEqual([
      { category: 'normal', colour: CATEGORY_COLOURS[0], count: 2 },
      { category: 'pneumonia', colour: CATEGORY_COLOURS[1], count: 1 },
    ]);
    expect(byLabel.colours).toEqual([CATEGORY_COLOURS[1], CATEGORY_COLOURS[0], CATEGORY_COLOURS[0]]);
    expect(colourPoints(points, 'correctness', []).legend.map((e) => [e.category, e.count])).toEqual([
      ['correct', 2],
      ['wrong', 1],
    ]);
    expect(colourPoints(points, 'tag:viewPosition', []).legend.map((e) => e.category)).toEqual(['AP', 'PA', '(none)']);
    expect(colourOptions(points).map((o) => o.by)).toEqual(['label', 'prediction', 'correctness', 'tag:viewPosition']);
  });
});

describe('latent-map.csv', () => {
  it('has the coordinates and attributes of every point, tag columns only for attributes present', () => {
    const points = latentPoints([image('a', 1, 3, { modality: 'CR' }), image('=b', 0, 3)], [0.5, -1.25, 2, 3], 0.5);
    const rows = parseCsv(latentCsv(points, ['normal', 'pneumonia']));
    expect(rows[0]).toEqual([...LATENT_COLUMNS, 'modality']);
    expect(rows[1].slice(0, 5)).toEqual(['a', 'a.dcm', 'val', 'pneumonia', 'pneumonia']);
    expect(Number(rows[1][7])).toBe(0.5);
    expect(Number(rows[1][8])).toBe(-1.25);
    expect(rows[1][9]).toBe('CR');
    // a cell a spreadsheet would run as a formula is escaped
    expect(rows[2][0]).toBe("'=b");
    expect(Number(rows[2][6])).toBeCloseTo(points[1].loss, 5);
    expect(rows[2][9]).toBe('');
  });
});

describe('thumbnails and sampling', () => {
  it('shrinks by area averaging', () => {
    const pixels = Uint8Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 0 : 200));
    expect(Array.from(thumbnail(pixels, 4, 2))).toEqual([0, 200, 0, 200]);
  });

  it('samples up to the limit in the original order, the same for the same seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = sampleInOrder(items, 10, mulberry32(0));
    expect(a).toHaveLength(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(sampleInOrder(items, 10, mulberry32(0))).toEqual(a);
    expect(sampleInOrder(items, 80, mulberry32(0))).toBe(items);
  });
});
