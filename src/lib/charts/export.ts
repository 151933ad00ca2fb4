/** A chart as a PNG: the title above the plot canvas (series and axes), the legend below, on white. */
import type { ChartSpec } from './spec';

export interface LegendEntry {
  label: string;
  color: string;
  /** a fixed read-out (the operating point's coordinates) */
  value?: string;
}

export interface ExportLayout {
  width: number;
  height: number;
  pad: number;
  titleFont: string;
  legendFont: string;
  /** baseline of the title */
  titleY: number;
  /** top of the plot canvas */
  plotY: number;
  /** one legend line each: swatch at (pad, y − swatch), text baseline y */
  legend: Array<LegendEntry & { y: number }>;
  swatch: number;
}

const TITLE_PX = 15;
const LEGEND_PX = 12;
const PAD_PX = 8;

export function legendEntries(spec: ChartSpec): LegendEntry[] {
  return spec.series.map((s) => ({ label: s.label, color: s.color, ...(s.fixedValue ? { value: s.fixedValue } : {}) }));
}

/** Sizes in canvas pixels: `ratio` canvas pixels per CSS pixel (the plot canvas' own ratio). */
export function exportLayout(plotWidth: number, plotHeight: number, ratio: number, entries: LegendEntry[]): ExportLayout {
  const r = ratio > 0 ? ratio : 1;
  const pad = Math.round(PAD_PX * r);
  const title = Math.round(TITLE_PX * r);
  const line = Math.round(LEGEND_PX * 1.6 * r);
  const plotY = pad + Math.round(title * 1.5);
  const legendTop = plotY + plotHeight + pad;
  return {
    width: plotWidth,
    height: legendTop + entries.length * line + pad,
    pad,
    titleFont: `bold ${title}px system-ui, sans-serif`,
    legendFont: `${Math.round(LEGEND_PX * r)}px system-ui, sans-serif`,
    titleY: pad + title,
    plotY,
    legend: entries.map((e, i) => ({ ...e, y: legendTop + (i + 1) * line - Math.round(line * 0.3) })),
    swatch: Math.round(LEGEND_PX * r),
  };
}

/** Paints the export onto `ctx` (a canvas of layout.width × layout.height). */
export function paintExport(ctx: CanvasRenderingContext2D, layout: ExportLayout, title: string, plot: CanvasImageSource): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = '#101828';
  ctx.font = layout.titleFont;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(title, layout.pad, layout.titleY, layout.width - 2 * layout.pad);
  ctx.drawImage(plot, 0, layout.plotY);
  ctx.font = layout.legendFont;
  for (const e of layout.legend) {
    ctx.fillStyle = e.color;
    ctx.fillRect(layout.pad, e.y - layout.swatch, layout.swatch, layout.swatch);
    ctx.fillStyle = '#344054';
    ctx.fillText(e.value ? `${e.label}: ${e.value}` : e.label, layout.pad + layout.swatch * 1.5, e.y, layout.width - 2 * layout.pad - layout.swatch * 1.5);
  }
}

/** 'ROC curve (val) · AUC 0.873' → 'roc-curve-val-auc-0-873.png' */
export function pngFileName(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'chart'}.png`;
}
