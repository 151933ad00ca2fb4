/** A ChartSpec as uPlot options: one scale per quantity, labelled axes, whole-number ticks on integer axes, live legend. */
import type uPlot from 'uplot';
import type { ChartSpec, ScaleKind } from './spec';
import { integerRange, lossRange, UNIT_RANGE } from './scales';
import { formatTicks, formatValue, integerTicks } from './ticks';

/** What the last draw put on the canvas, for the page's data-* attributes. */
export interface DrawReport {
  /** the x axis' tick texts */
  xTicks: string[];
  /** the y axes drawn: side (1 right, 3 left) and label */
  yAxes: Array<{ side: number; label: string }>;
  /** the operating point's centre in canvas pixels */
  marker: [number, number] | null;
  /** grid points of the shaded band drawn (0: none) */
  band?: number;
}

const AXIS = { stroke: '#344054', font: '12px system-ui, sans-serif', labelFont: 'bold 12px system-ui, sans-serif' };
const MARKER_RING = '#7c2d12';
/** CSS pixels of chart width per x tick, at most */
const TICK_SPACE = 48;

function range(kind: ScaleKind): uPlot.Scale['range'] {
  if (kind === 'unit') return [...UNIT_RANGE];
  if (kind === 'loss') return (_u, min, max) => lossRange(min, max);
  return (_u, min, max) => integerRange(min, max);
}

/** Canvas pixels of a curve's points, one list per run without gaps, in data order (x may repeat: vertical steps). */
export function pixelRuns(xs: ArrayLike<number>, ys: ArrayLike<number | null | undefined>, toX: (v: number) => number, toY: (v: number) => number): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> | null = null;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      run = null;
      continue;
    }
    if (!run) runs.push((run = []));
    run.push([toX(xs[i]), toY(y)]);
  }
  return runs;
}

/**
 * uPlot's own line and point builders draw only the indices its x search finds, and a curve's repeated x
 * (a ROC curve's vertical steps) confuses that search: curves and the operating point draw every point.
 */
function curvePath(newPath: () => Path2D, dot: boolean): uPlot.Series.PathBuilder {
  return (u, si) => {
    const scale = u.series[si].scale ?? 'y';
    const path = newPath();
    const radius = 5.5 * (u.width > 0 ? u.ctx.canvas.width / u.width : 1);
    for (const run of pixelRuns(u.data[0], u.data[si], (v) => u.valToPos(v, 'x', true), (v) => u.valToPos(v, scale, true))) {
      if (dot) for (const [x, y] of run) (path.moveTo(x + radius, y), path.arc(x, y, radius, 0, 2 * Math.PI));
      else run.forEach(([x, y], i) => (i === 0 ? path.moveTo(x, y) : path.lineTo(x, y)));
    }
    return { stroke: path, fill: dot ? path : null, clip: null, flags: 0 };
  };
}

/** The band's outline in canvas pixels: along `high` left to right, back along `low` (finite points only). */
export function bandOutline(band: NonNullable<ChartSpec['band']>, toX: (v: number) => number, toY: (v: number) => number): Array<[number, number]> {
  const at = band.x.map((_, i) => i).filter((i) => Number.isFinite(band.low[i]) && Number.isFinite(band.high[i]));
  return [...at.map((i): [number, number] => [toX(band.x[i]), toY(band.high[i])]), ...at.reverse().map((i): [number, number] => [toX(band.x[i]), toY(band.low[i])])];
}

const tickValues: uPlot.Axis.DynamicValues = (_u, splits, _axis, _space, incr) => formatTicks(splits, incr);

export interface ChartCallbacks {
  /** after each draw */
  onDraw?: (report: DrawReport) => void;
  /** the page's Path2D constructor: curves (x on [0, 1]) then draw every point; without it uPlot's builders */
  newPath?: () => Path2D;
}

export function chartOptions(spec: ChartSpec, width: number, height: number, { onDraw, newPath }: ChartCallbacks = {}): uPlot.Options {
  const curve = spec.x.kind === 'unit' && newPath ? newPath : null;
  let xTicks: string[] = [];
  const markerScale = spec.series.find((s) => s.marker)?.scale ?? 'unit';
  const xAxis: uPlot.Axis =
    spec.x.kind === 'integer'
      ? {
          scale: 'x',
          label: spec.x.label,
          splits: (u, _axis, min, max) => integerTicks(min, max, Math.max(2, Math.floor(u.width / TICK_SPACE))),
          values: (_u, splits) => (xTicks = splits.map((v) => String(Math.round(v)))),
        }
      : { scale: 'x', label: spec.x.label, values: (_u, splits, _axis, _space, incr) => (xTicks = formatTicks(splits, incr)) };
  return {
    width,
    height,
    scales: {
      x: { time: false, range: spec.x.kind === 'unit' ? [...UNIT_RANGE] : range('integer') },
      ...Object.fromEntries(spec.y.map((a) => [a.scale, { range: range(a.kind) }])),
    },
    axes: [
      xAxis,
      ...spec.y.map((a): uPlot.Axis => ({ scale: a.scale, label: a.label, side: a.side === 'right' ? 1 : 3, values: tickValues, grid: { show: a.side === 'left' } })),
    ].map((a) => ({ stroke: AXIS.stroke, font: AXIS.font, labelFont: AXIS.labelFont, ...a })),
    series: [
      { label: spec.x.label, value: (_u, v) => formatValue(v, spec.x.decimals) },
      ...spec.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          scale: s.scale,
          stroke: s.marker ? MARKER_RING : s.color,
          fill: s.marker ? s.color : undefined,
          width: 2,
          dash: s.dash,
          spanGaps: true,
          value: (_u, v) => s.fixedValue ?? formatValue(v, s.decimals),
          ...(curve ? { paths: curvePath(curve, !!s.marker), points: { show: false } } : s.marker ? { paths: () => null, points: { show: true, size: 11, width: 2, stroke: MARKER_RING, fill: s.color } } : {}),
        }),
      ),
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    hooks: {
      // under the series: uPlot draws axes, then series, then calls draw
      drawAxes: [
        (u) => {
          if (!spec.band) return;
          const scale = spec.y[0]?.scale ?? 'y';
          const outline = bandOutline(spec.band, (v) => u.valToPos(v, 'x', true), (v) => u.valToPos(v, scale, true));
          if (outline.length < 3) return;
          const ctx = u.ctx;
          ctx.save();
          ctx.beginPath();
          outline.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
          ctx.closePath();
          ctx.fillStyle = spec.band.color;
          ctx.fill();
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          const marker: [number, number] | null = spec.marker ? [u.valToPos(spec.marker.x, 'x', true), u.valToPos(spec.marker.y, markerScale, true)] : null;
          const yAxes = u.axes.slice(1).map((a) => ({ side: a.side ?? 3, label: typeof a.label === 'string' ? a.label : '' }));
          onDraw?.({ xTicks, yAxes, marker, ...(spec.band ? { band: spec.band.x.length } : {}) });
        },
      ],
    },
  };
}

