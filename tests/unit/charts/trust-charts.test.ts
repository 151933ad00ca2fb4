import { describe, expect, it } from 'vitest';
import { bandOutline, chartOptions, perturbationChart, reliabilityChart, rocChartWithBand, type DrawReport } from '../../../src/lib/charts';
import { rocCurve } from '../../../src/lib/metrics';

describe('trust charts', () => {
  it('reliability diagram: bins over mean probability, the full diagonal, the ECE in the title', () => {
    const spec = reliabilityChart(
      [
        { confidence: 0.2, observed: 0.1, count: 5 },
        { confidence: 0.7, observed: 0.9, count: 5 },
      ],
      0.15,
      'reliability (val)',
    );
    expect(spec.title).toBe('reliability (val) · ECE 0.150');
    expect(spec.x.values).toEqual([0, 0.2, 0.7, 1]);
    expect(spec.series[0].values).toEqual([null, 0.1, 0.9, null]);
    expect(spec.series[1].values).toEqual([0, 0.2, 0.7, 1]);
  });

  it('ROC with band: a legend entry and an outline along the high edge, back along the low one', () => {
    const roc = rocCurve([0, 1, 0, 1], [0.1, 0.8, 0.6, 0.7]);
    const band = { fpr: [0, 0.5, 1], low: [0, 0.2, 1], high: [0.5, 1, 1], draws: 10 };
    const spec = rocChartWithBand(roc, 0.75, 0.5, 'ROC', band, 0.95);
    expect(spec.series.at(-1)!.label).toBe('95 % bootstrap band (10 draws)');
    expect(bandOutline(spec.band!, (x) => x * 100, (y) => 100 - y * 100)).toEqual([
      [0, 50],
      [50, 0],
      [100, 0],
      [100, 0],
      [50, 80],
      [0, 100],
    ]);
    let report: DrawReport | null = null;
    const o = chartOptions(spec, 200, 200, { onDraw: (r) => (report = r) });
    const u = { axes: [], valToPos: (v: number) => v, ctx: { save() {}, restore() {}, beginPath() {}, moveTo() {}, lineTo() {}, closePath() {}, fill() {} } } as never;
    for (const h of o.hooks!.drawAxes!) h?.(u);
    for (const h of o.hooks!.draw!) h?.(u);
    expect(report!.band).toBe(3);
  });

  it('deletion and insertion curves over the fraction of pixels, map and random orders', () => {
    const spec = perturbationChart({ deletion: { map: [1, 0.2, 0], random: [1, 0.8, 0] }, insertion: { map: [0, 0.9, 1], random: [0, 0.1, 1] } }, 'CAM');
    expect(spec.x.values).toEqual([0, 0.5, 1]);
    expect(spec.series.map((s) => s.label)).toEqual(['deletion, map order', 'deletion, random order', 'insertion, map order', 'insertion, random order']);
  });
});
