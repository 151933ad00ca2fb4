/** Two (or more) runs' ROC curves on one chart: each curve is interpolated at every other's FPR so they share one x. */
import type { RocCurve } from '../metrics';
import type { ChartSpec } from './spec';
import { formatValue } from './ticks';

export interface NamedRoc {
  name: string;
  roc: RocCurve;
  auc: number;
}

const RUN_COLORS = ['#1d4ed8', '#c2410c', '#067647', '#7a5af8'];
const CHANCE = '#98a2b3';

/**
 * A curve's TPR at `x`, linear between its points. Where it steps straight up at `x`, 'low' gives the step's foot and
 * 'high' its top (a point merged before or after the curve's own points there).
 */
export function tprAt(points: ReadonlyArray<{ x: number; y: number }>, x: number, end: 'low' | 'high'): number {
  const after = points.findIndex((p) => (end === 'low' ? p.x >= x : p.x > x));
  if (after < 0) return points[points.length - 1].y;
  if (after === 0 || points[after].x === x) return points[after].y;
  const a = points[after - 1];
  const b = points[after];
  if (a.x === x) return a.y;
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
}

function finitePoints(roc: RocCurve): Array<{ x: number; y: number }> {
  return roc.fpr.map((x, i) => ({ x, y: roc.tpr[i] })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/**
 * ROC curves overlaid: x is every curve's FPRs merged in order, each curve keeps its own points there and is
 * interpolated at the others'; the chance diagonal under them.
 */
export function rocComparisonChart(curves: NamedRoc[], title: string): ChartSpec {
  const own = curves.map((c) => finitePoints(c.roc));
  const merged = own.flatMap((points, k) => points.map((p, at) => ({ ...p, k, at }))).sort((a, b) => a.x - b.x || a.k - b.k || a.at - b.at);
  return {
    title,
    x: { label: 'false positive rate (1 − specificity)', kind: 'unit', values: merged.map((p) => p.x), decimals: 3 },
    y: [{ scale: 'unit', kind: 'unit', label: 'true positive rate (sensitivity)', side: 'left' }],
    series: [
      ...curves.map((c, k) => ({
        label: `${c.name} (AUC ${formatValue(c.auc)})`,
        color: RUN_COLORS[k % RUN_COLORS.length],
        scale: 'unit',
        values: merged.map((p) => (p.k === k ? p.y : tprAt(own[k], p.x, p.k < k ? 'low' : 'high'))),
        decimals: 3,
        dash: k === 0 ? undefined : [6, 3],
      })),
      { label: 'chance', color: CHANCE, scale: 'unit', values: merged.map((p) => p.x), decimals: 3, dash: [5, 4] },
    ],
    marker: null,
  };
}
