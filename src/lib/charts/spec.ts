/**
 * What a chart shows, as plain data: the x values, the y axes (one per quantity) and the series on them.
 * options.ts turns a spec into uPlot options; the builders below make the studio's charts.
 */
import type { PrecisionRecallCurve, ReliabilityBin, RocBand, RocCurve } from '../metrics';
import type { EpochRecord } from '../train/trainer';
import { prOperatingPoint, rocOperatingPoint, type OperatingPoint } from './operating-point';
import { formatValue } from './ticks';

/** integer: epochs, steps; loss: from 0 up; unit: rates on [0, 1] */
export type ScaleKind = 'integer' | 'loss' | 'unit';

export interface AxisSpec {
  scale: string;
  kind: ScaleKind;
  label: string;
  side: 'left' | 'right';
}

export interface SeriesSpec {
  label: string;
  color: string;
  scale: string;
  values: Array<number | null>;
  /** decimals of the hover read-out */
  decimals: number;
  dash?: number[];
  /** points only, no line: the operating point */
  marker?: boolean;
  /** shown in the legend instead of the hovered value */
  fixedValue?: string;
}

export interface ChartSpec {
  title: string;
  x: { label: string; kind: 'integer' | 'unit'; values: number[]; decimals: number };
  y: AxisSpec[];
  series: SeriesSpec[];
  /** the operating point: its place in x/y units, on the y scale of the series with `marker` */
  marker: { x: number; y: number } | null;
  /** a shaded band under the series (x, low, high in the units of the first y scale) */
  band?: { x: number[]; low: number[]; high: number[]; color: string } | null;
}

const COLORS = { train: '#1d4ed8', val: '#c2410c', accuracy: '#7a5af8', auc: '#067647', curve: '#1d4ed8', chance: '#98a2b3', point: '#f97316', band: 'rgba(29, 78, 216, 0.18)' };

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Per-epoch curves: losses on the left axis, AUC (and accuracy) on a 0–1 right axis, whole epochs on x. */
export function epochChart(history: EpochRecord[], accuracy: boolean, title: string): ChartSpec {
  const loss = (label: string, color: string, pick: (h: EpochRecord) => number): SeriesSpec => ({ label, color, scale: 'loss', values: history.map((h) => finiteOrNull(pick(h))), decimals: 4 });
  const unit = (label: string, color: string, pick: (h: EpochRecord) => number, dash?: number[]): SeriesSpec => ({ label, color, scale: 'unit', values: history.map((h) => finiteOrNull(pick(h))), decimals: 3, dash });
  return {
    title,
    x: { label: 'epoch', kind: 'integer', values: history.map((h) => h.epoch), decimals: 0 },
    y: [
      { scale: 'loss', kind: 'loss', label: 'loss', side: 'left' },
      { scale: 'unit', kind: 'unit', label: accuracy ? 'AUC, accuracy (0–1)' : 'AUC (0–1)', side: 'right' },
    ],
    series: [
      loss('train loss', COLORS.train, (h) => h.trainLoss),
      loss('val loss', COLORS.val, (h) => h.valLoss),
      ...(accuracy ? [unit('val accuracy', COLORS.accuracy, (h) => h.valAccuracy, [6, 3])] : []),
      unit('val AUC', COLORS.auc, (h) => h.valAuc),
    ],
    marker: null,
  };
}

/** Values per step (1, 2, 3…) on one loss axis. */
export function stepChart(series: Array<{ name: string; values: number[]; color: string }>, title: string, xLabel = 'step', yLabel = 'loss'): ChartSpec {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  return {
    title,
    x: { label: xLabel, kind: 'integer', values: Array.from({ length: n }, (_, i) => i + 1), decimals: 0 },
    y: [{ scale: 'y', kind: 'loss', label: yLabel, side: 'left' }],
    series: series.map((s) => ({ label: s.name, color: s.color, scale: 'y', values: Array.from({ length: n }, (_, i) => finiteOrNull(s.values[i] ?? NaN)), decimals: 4 })),
    marker: null,
  };
}

/** The finite (x, y) pairs of a curve with their original indices, in increasing x. */
function curvePoints(xs: number[], ys: number[], reverse: boolean): Array<{ x: number; y: number; at: number }> {
  const points = xs.map((x, at) => ({ x, y: ys[at], at })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  return reverse ? points.reverse() : points;
}

function curveChart(
  points: Array<{ x: number; y: number; at: number }>,
  point: OperatingPoint | null,
  opts: { title: string; xLabel: string; yLabel: string; curveLabel: string; pointText: (p: OperatingPoint) => string; threshold: number; chance: boolean; baseline?: { label: string; y: number } },
): ChartSpec {
  const markAt = point ? points.findIndex((p) => p.at === point.index) : -1;
  const marked = markAt >= 0 ? point : null;
  return {
    title: opts.title,
    x: { label: opts.xLabel, kind: 'unit', values: points.map((p) => p.x), decimals: 3 },
    y: [{ scale: 'unit', kind: 'unit', label: opts.yLabel, side: 'left' }],
    series: [
      { label: opts.curveLabel, color: COLORS.curve, scale: 'unit', values: points.map((p) => p.y), decimals: 3 },
      ...(opts.chance ? [{ label: 'chance', color: COLORS.chance, scale: 'unit', values: points.map((p) => p.x), decimals: 3, dash: [5, 4] }] : []),
      ...(opts.baseline ? [{ label: opts.baseline.label, color: COLORS.chance, scale: 'unit', values: points.map(() => opts.baseline!.y), decimals: 3, dash: [5, 4] }] : []),
      {
        label: `operating point (threshold ${opts.threshold.toFixed(3)})`,
        color: COLORS.point,
        scale: 'unit',
        values: points.map((_, i) => (i === markAt ? points[i].y : null)),
        decimals: 3,
        marker: true,
        fixedValue: marked ? opts.pointText(marked) : '—',
      },
    ],
    marker: marked ? { x: marked.x, y: marked.y } : null,
  };
}

/** ROC: TPR over FPR, the chance diagonal, the AUC in title and legend, the threshold's (FPR, TPR) marked. */
export function rocChart(roc: RocCurve, auc: number, threshold: number, name: string): ChartSpec {
  return curveChart(curvePoints(roc.fpr, roc.tpr, false), rocOperatingPoint(roc, threshold), {
    title: `${name} · AUC ${formatValue(auc)}`,
    xLabel: 'false positive rate (1 − specificity)',
    yLabel: 'true positive rate (sensitivity)',
    curveLabel: `ROC (AUC ${formatValue(auc)})`,
    pointText: (p) => `FPR ${formatValue(p.x)} · TPR ${formatValue(p.y)}`,
    threshold,
    chance: true,
  });
}

/** The ROC chart with its bootstrap band drawn under the curve (and named in the legend). */
export function rocChartWithBand(roc: RocCurve, auc: number, threshold: number, name: string, band: RocBand, level: number): ChartSpec {
  const spec = rocChart(roc, auc, threshold, name);
  const label = `${Math.round(level * 100)} % bootstrap band (${band.draws} draws)`;
  return {
    ...spec,
    series: [...spec.series, { label, color: COLORS.band, scale: 'unit', values: spec.x.values.map(() => null), decimals: 3, fixedValue: 'TPR range per FPR' }],
    band: { x: band.fpr, low: band.low, high: band.high, color: COLORS.band },
  };
}

/**
 * Reliability diagram: the fraction of positives over the mean predicted probability of each (equal-count) bin,
 * against the diagonal of perfect calibration.
 */
export function reliabilityChart(bins: ReliabilityBin[], ece: number, title: string): ChartSpec {
  const xs = [0, ...bins.map((b) => b.confidence), 1];
  return {
    title: `${title} · ECE ${formatValue(ece)}`,
    x: { label: 'mean predicted probability', kind: 'unit', values: xs, decimals: 3 },
    y: [{ scale: 'unit', kind: 'unit', label: 'fraction positive', side: 'left' }],
    series: [
      { label: `observed (${bins.length} equal-count bins)`, color: COLORS.curve, scale: 'unit', values: [null, ...bins.map((b) => b.observed), null], decimals: 3 },
      { label: 'perfect calibration', color: COLORS.chance, scale: 'unit', values: xs, decimals: 3, dash: [5, 4] },
    ],
    marker: null,
  };
}

/** Deletion and insertion curves of a map's order against a random order: probability over the fraction of pixels. */
export function perturbationChart(curves: { deletion: { map: number[]; random: number[] }; insertion: { map: number[]; random: number[] } }, title: string): ChartSpec {
  const steps = curves.deletion.map.length - 1;
  const line = (label: string, color: string, values: number[], dash?: number[]): SeriesSpec => ({ label, color, scale: 'unit', values: values.map(finiteOrNull), decimals: 3, dash });
  return {
    title,
    x: { label: 'fraction of pixels removed (deletion) or revealed (insertion)', kind: 'unit', values: Array.from({ length: steps + 1 }, (_, i) => i / steps), decimals: 3 },
    y: [{ scale: 'unit', kind: 'unit', label: 'probability of the class', side: 'left' }],
    series: [
      line('deletion, map order', COLORS.val, curves.deletion.map),
      line('deletion, random order', COLORS.val, curves.deletion.random, [5, 4]),
      line('insertion, map order', COLORS.auc, curves.insertion.map),
      line('insertion, random order', COLORS.auc, curves.insertion.random, [5, 4]),
    ],
    marker: null,
  };
}

/**
 * PR: precision over recall (increasing), the AP in title and legend, the threshold's (recall, precision) marked, and
 * when `prevalence` (the share of positives) is given, the no-skill line at that precision.
 */
export function prChart(pr: PrecisionRecallCurve, ap: number, threshold: number, name: string, prevalence?: number): ChartSpec {
  return curveChart(curvePoints(pr.recall, pr.precision, true), prOperatingPoint(pr, threshold), {
    title: `${name} · AP ${formatValue(ap)}`,
    xLabel: 'recall (sensitivity)',
    yLabel: 'precision',
    curveLabel: `precision-recall (AP ${formatValue(ap)})`,
    pointText: (p) => `recall ${formatValue(p.x)} · precision ${formatValue(p.y)}`,
    threshold,
    chance: false,
    baseline: prevalence !== undefined && Number.isFinite(prevalence) ? { label: `no skill (prevalence ${formatValue(prevalence)})`, y: prevalence } : undefined,
  });
}

/** What decides the uPlot instance's make-up (axes, series, legend texts): a change rebuilds it, new values only update it. */
export function structureKey(spec: ChartSpec): string {
  return JSON.stringify([spec.title, spec.x.label, spec.x.kind, spec.y, spec.series.map((s) => [s.label, s.color, s.scale, s.dash, s.marker, s.fixedValue]), !!spec.band]);
}

/** uPlot's aligned data: x first, then each series. */
export function chartData(spec: ChartSpec): [number[], ...Array<Array<number | null>>] {
  return [spec.x.values, ...spec.series.map((s) => s.values)];
}
