import { describe, expect, it } from 'vitest';
import { chartData, epochChart, prChart, rocChart, stepChart, structureKey } from '../../../src/lib/charts';
import { averagePrecision, precisionRecallCurve, rocAuc, rocCurve } from '../../../src/lib/metrics';
import type { EpochRecord } from '../../../src/lib/train/trainer';

const record = (epoch: number, trainLoss: number, valLoss: number, valAccuracy: number, valAuc: number): EpochRecord => ({
  epoch, trainLoss, valLoss, valAccuracy, valAuc, valF1: 0, seconds: 1, imagesPerSecond: 1, numTensors: 1, microBatches: 1, stepLosses: [],
});

describe('epoch chart', () => {
  const history = [record(1, 0.7, 0.69, 0.5, NaN), record(2, 0.6, 0.65, 0.75, 0.8)];

  it('puts losses on a left axis, AUC and accuracy on a right 0–1 axis, epochs on x', () => {
    const spec = epochChart(history, true, 'per epoch');
    expect(spec.x).toMatchObject({ label: 'epoch', kind: 'integer', values: [1, 2] });
    expect(spec.y).toEqual([
      { scale: 'loss', kind: 'loss', label: 'loss', side: 'left' },
      { scale: 'unit', kind: 'unit', label: 'AUC, accuracy (0–1)', side: 'right' },
    ]);
    expect(spec.series.map((s) => [s.label, s.scale])).toEqual([
      ['train loss', 'loss'],
      ['val loss', 'loss'],
      ['val accuracy', 'unit'],
      ['val AUC', 'unit'],
    ]);
    // an undefined AUC is a gap, not a point
    expect(chartData(spec)).toEqual([[1, 2], [0.7, 0.6], [0.69, 0.65], [0.5, 0.75], [null, 0.8]]);
  });

  it('leaves accuracy out unless asked', () => {
    const spec = epochChart(history, false, 'per epoch');
    expect(spec.series.map((s) => s.label)).toEqual(['train loss', 'val loss', 'val AUC']);
    expect(spec.y[1].label).toBe('AUC (0–1)');
  });

  it('keeps its make-up as epochs arrive (the plot only updates)', () => {
    expect(structureKey(epochChart(history.slice(0, 1), true, 't'))).toBe(structureKey(epochChart(history, true, 't')));
  });
});

describe('step chart', () => {
  it('numbers steps from 1 and pads a shorter series with gaps', () => {
    const spec = stepChart([{ name: 'a', values: [3, 2, 1], color: '#000' }, { name: 'b', values: [5], color: '#111' }], 'loss per step');
    expect(spec.x.label).toBe('step');
    expect(spec.y[0].label).toBe('loss');
    expect(chartData(spec)).toEqual([[1, 2, 3], [3, 2, 1], [5, null, null]]);
  });
});

// sklearn's example (see operating-point.test.ts): AUC 0.75, AP = (1 − .5)·2/3 + .5·1 = 0.8333
const labels = [0, 0, 1, 1];
const scores = [0.1, 0.4, 0.35, 0.8];

describe('ROC chart', () => {
  const spec = rocChart(rocCurve(labels, scores), rocAuc(labels, scores), 0.5, 'ROC curve');

  it('shows the AUC in title and legend, the chance diagonal and the operating point', () => {
    expect(spec.title).toBe('ROC curve · AUC 0.750');
    expect(spec.series.map((s) => s.label)).toEqual(['ROC (AUC 0.750)', 'chance', 'operating point (threshold 0.500)']);
    expect(chartData(spec)).toEqual([
      [0, 0, 0.5, 0.5, 1],
      [0, 0.5, 0.5, 1, 1],
      [0, 0, 0.5, 0.5, 1],
      [null, 0.5, null, null, null],
    ]);
    expect(spec.marker).toEqual({ x: 0, y: 0.5 });
    expect(spec.series[2].fixedValue).toBe('FPR 0.000 · TPR 0.500');
  });

  it('is rebuilt when the threshold moves (the legend text changes)', () => {
    expect(structureKey(rocChart(rocCurve(labels, scores), 0.75, 0.36, 'ROC curve'))).not.toBe(structureKey(spec));
  });

  it('has no points and no marker when a class is missing', () => {
    const none = rocChart(rocCurve([0, 0], [0.2, 0.7]), NaN, 0.5, 'ROC curve');
    expect(none.title).toBe('ROC curve · AUC —');
    expect(none.x.values).toEqual([]);
    expect(none.marker).toBeNull();
  });
});

describe('precision-recall chart', () => {
  it('runs recall upwards, shows the AP and marks (recall, precision) at the threshold', () => {
    const spec = prChart(precisionRecallCurve(labels, scores), averagePrecision(labels, scores), 0.5, 'PR');
    expect(spec.title).toBe('PR · AP 0.833');
    expect(chartData(spec)).toEqual([
      [0, 0.5, 0.5, 1, 1],
      [1, 1, 0.5, 2 / 3, 0.5],
      [null, 1, null, null, null],
    ]);
    expect(spec.marker).toEqual({ x: 0.5, y: 1 });
    expect(spec.series[1].fixedValue).toBe('recall 0.500 · precision 1.000');
  });

  it("draws the no-skill line at the set's prevalence when given", () => {
    const spec = prChart(precisionRecallCurve(labels, scores), averagePrecision(labels, scores), 0.5, 'PR', 0.5);
    expect(spec.series.map((s) => s.label)).toEqual(['precision-recall (AP 0.833)', 'no skill (prevalence 0.500)', 'operating point (threshold 0.500)']);
    expect(spec.series[1].values).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(spec.series[1].dash).toEqual([5, 4]);
  });
});
