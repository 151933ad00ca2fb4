import { describe, expect, it } from 'vitest';
import { epochChart, exportLayout, legendEntries, paintExport, pngFileName, rocChart } from '../../../src/lib/charts';
import { rocCurve } from '../../../src/lib/metrics';

describe('PNG layout', () => {
  it('stacks title, plot canvas and one legend line per series, in canvas pixels', () => {
    const entries = [
      { label: 'a', color: '#000' },
      { label: 'b', color: '#111' },
      { label: 'c', color: '#222', value: 'x' },
    ];
    // ratio 2: pad 16, title 30 px, plot at 16 + 45 = 61, legend lines of round(12·1.6·2) = 38 from 61 + 400 + 16 = 477
    const layout = exportLayout(600, 400, 2, entries);
    expect(layout).toMatchObject({ width: 600, height: 477 + 3 * 38 + 16, pad: 16, titleY: 46, plotY: 61, swatch: 24 });
    expect(layout.legend.map((e) => e.y)).toEqual([477 + 38 - 11, 477 + 76 - 11, 477 + 114 - 11]);
    expect(layout.legend[2]).toMatchObject({ label: 'c', value: 'x' });
  });

  it('takes the legend from the series, with the operating point read-out', () => {
    expect(legendEntries(epochChart([], false, 't')).map((e) => e.label)).toEqual(['train loss', 'val loss', 'val AUC']);
    const roc = rocChart(rocCurve([0, 1], [0.2, 0.7]), 1, 0.5, 'ROC');
    expect(legendEntries(roc)[2]).toEqual({ label: 'operating point (threshold 0.500)', color: '#f97316', value: 'FPR 0.000 · TPR 1.000' });
  });

  it('paints white, the title, the plot under it and a swatch and text per legend line', () => {
    const calls: string[] = [];
    const ctx = new Proxy({} as Record<string, unknown>, {
      get: (target, prop: string) => (prop in target ? target[prop] : (...args: unknown[]) => calls.push(`${prop}(${args.map(String).join(',')})`)),
      set: (target, prop: string, value) => ((target[prop] = value), true),
    }) as unknown as CanvasRenderingContext2D;
    const layout = exportLayout(100, 50, 1, [{ label: 'loss', color: '#f00' }]);
    paintExport(ctx, layout, 'Title', 'PLOT' as unknown as CanvasImageSource);
    expect(calls[0]).toBe(`fillRect(0,0,100,${layout.height})`);
    expect(calls).toContain(`fillText(Title,8,23,84)`);
    expect(calls).toContain(`drawImage(PLOT,0,${layout.plotY})`);
    expect(calls).toContain(`fillRect(8,${layout.legend[0].y - 12},12,12)`);
    expect(calls.at(-1)).toBe(`fillText(loss,26,${layout.legend[0].y},66)`);
  });
});

describe('PNG file names', () => {
  it('are the chart name in lower-case words joined by dashes', () => {
    expect(pngFileName('ROC curve (val split)')).toBe('roc-curve-val-split.png');
    expect(pngFileName('loss, accuracy & AUC per epoch')).toBe('loss-accuracy-auc-per-epoch.png');
    expect(pngFileName('→ ←')).toBe('chart.png');
    expect(pngFileName('a'.repeat(100))).toBe(`${'a'.repeat(60)}.png`);
  });
});
