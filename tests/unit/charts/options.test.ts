import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { chartOptions, epochChart, pixelRuns, rocChart, type DrawReport } from '../../../src/lib/charts';
import { rocCurve } from '../../../src/lib/metrics';
import type { EpochRecord } from '../../../src/lib/train/trainer';

const record = (epoch: number): EpochRecord => ({
  epoch, trainLoss: 0.7, valLoss: 0.6, valAccuracy: 0.5, valAuc: 0.6, valF1: 0, seconds: 1, imagesPerSecond: 1, numTensors: 1, microBatches: 1, stepLosses: [],
});

type RangeFn = (u: uPlot, min: number, max: number, key: string) => [number, number];
type SplitsFn = (u: uPlot, axis: number, min: number, max: number, incr: number, space: number) => number[];
type ValuesFn = (u: uPlot, splits: number[], axis: number, space: number, incr: number) => string[];

describe('uPlot options of a chart spec', () => {
  const opts = chartOptions(epochChart([record(1), record(2)], true, 't'), 480, 240);
  const u = { width: 480 } as uPlot;

  it('has one scale per quantity: whole epochs, loss from 0, rates on [0, 1]', () => {
    expect(Object.keys(opts.scales!)).toEqual(['x', 'loss', 'unit']);
    expect(opts.scales!.x.time).toBe(false);
    expect((opts.scales!.x.range as RangeFn)(u, 1, 1, 'x')).toEqual([0.5, 1.5]);
    expect((opts.scales!.loss.range as RangeFn)(u, 0.2, 0.693, 'loss')).toEqual([0, 0.8]);
    expect(opts.scales!.unit.range).toEqual([0, 1]);
  });

  it('labels every axis, loss on the left (side 3), rates on the right (side 1)', () => {
    expect(opts.axes!.map((a) => [a.scale, a.side, a.label])).toEqual([
      ['x', undefined, 'epoch'],
      ['loss', 3, 'loss'],
      ['unit', 1, 'AUC, accuracy (0–1)'],
    ]);
  });

  it('ticks the epoch axis at whole numbers, at most one per 48 px of width', () => {
    const x = opts.axes![0];
    // 480 px: 10 ticks at most; 1..30 then steps by 5 (6 ticks)
    expect((x.splits as SplitsFn)(u, 0, 1, 30, 1, 40)).toEqual([5, 10, 15, 20, 25, 30]);
    expect((x.values as ValuesFn)(u, [5, 10], 0, 40, 5)).toEqual(['5', '10']);
  });

  it('reports the drawn x ticks, y axes and the operating point position after a draw', () => {
    const spec = rocChart(rocCurve([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.7]), 0.75, 0.65, 'ROC');
    let report: DrawReport | null = null;
    const o = chartOptions(spec, 300, 300, { onDraw: (r) => (report = r) });
    (o.axes![0].values as ValuesFn)(u, [0, 0.5, 1], 0, 40, 0.5);
    const fake = { axes: o.axes, valToPos: (v: number, scale: string) => (scale === 'x' ? 10 + 100 * v : 200 - 100 * v) } as unknown as uPlot;
    o.hooks!.draw![0]!(fake);
    // at 0.65: 0.9 and 0.7 are positive, one of each class → FPR 0.5, TPR 0.5
    expect(spec.marker).toEqual({ x: 0.5, y: 0.5 });
    expect(report).toEqual({ xTicks: ['0.0', '0.5', '1.0'], yAxes: [{ side: 3, label: 'true positive rate (sensitivity)' }], marker: [60, 150] });
  });

  it('draws the operating point as a point without a line and shows its coordinates in the legend', () => {
    const spec = rocChart(rocCurve([0, 1], [0.2, 0.7]), 1, 0.5, 'ROC');
    const series = chartOptions(spec, 300, 300).series;
    expect(series.map((s) => s.label)).toEqual(['false positive rate (1 − specificity)', 'ROC (AUC 1.000)', 'chance', 'operating point (threshold 0.500)']);
    const point = series[3];
    expect(point.points).toMatchObject({ show: true, fill: '#f97316' });
    expect(point.fill).toBe('#f97316');
    expect((point.paths as () => null)()).toBeNull();
    expect((point.value as (u: uPlot, v: number) => string)(u, 0.3)).toBe('FPR 0.000 · TPR 1.000');
    expect((series[1].value as (u: uPlot, v: number | null) => string)(u, null)).toBe('—');
  });
});

describe('curves drawn point by point', () => {
  it('splits a curve into runs at gaps and keeps repeated x (vertical steps)', () => {
    const runs = pixelRuns([0, 0, 1, 1, 1], [0, 0.5, null, 0.5, 1], (v) => 10 * v, (v) => 100 - 10 * v);
    expect(runs).toEqual([
      [[0, 100], [0, 95]],
      [[10, 95], [10, 90]],
    ]);
  });

  it('draws every ROC point, duplicates of x included, and the operating point as a dot', () => {
    // fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1]; threshold .5 → (0, .5)
    const spec = rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75, 0.5, 'ROC');
    const log: string[] = [];
    const newPath = () => ({ moveTo: (x: number, y: number) => log.push(`M${x},${y}`), lineTo: (x: number, y: number) => log.push(`L${x},${y}`), arc: (x: number, y: number, r: number) => log.push(`A${x},${y},${r}`) }) as unknown as Path2D;
    const o = chartOptions(spec, 200, 200, { newPath });
    const data = [spec.x.values, ...spec.series.map((s) => s.values)];
    // canvas of 400 px for 200 CSS px: ratio 2, dot radius 11; x → 100·v, y → 100 − 100·v
    const fake = { width: 200, ctx: { canvas: { width: 400 } }, data, series: o.series, valToPos: (v: number, scale: string) => (scale === 'x' ? 100 * v : 100 - 100 * v) } as unknown as uPlot;
    const draw = (si: number) => {
      log.length = 0;
      (o.series[si].paths as (u: uPlot, si: number) => unknown)(fake, si);
      return log.slice();
    };
    expect(draw(1)).toEqual(['M0,100', 'L0,50', 'L50,50', 'L50,0', 'L100,0']);
    expect(draw(3)).toEqual(['M11,50', 'A0,50,11']);
    expect((o.series[1].paths as (u: uPlot, si: number) => { fill: unknown })(fake, 1).fill).toBeNull();
    expect(o.series[1].points).toEqual({ show: false });
  });
});
