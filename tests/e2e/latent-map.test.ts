/**
 * The latent map of the bundled demo model: computed for the validation set, coloured by label, a box dragged
 * with the mouse selects exactly the images whose points lie in it, and their CAMs show in the gallery.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumArgsFor } from '../../src/cli/session';
import { downloadBytes, sel, UI } from '../../src/cli/ui';
import { radiusForLoss } from '../../src/lib/latent';
import { computeMap, drawnPoints, showTrainedModel, type DrawnPoint } from '../support/latent-map';
import { errorTexts, studioFixture } from '../support/studio-fixture';

/** a box of at most this many images (the gallery draws CAMs for up to SELECTION_CAMS; fewer keep the test short) */
const MAX_TILES = 16;

function inBox(p: DrawnPoint, box: { x0: number; y0: number; x1: number; y1: number }): boolean {
  return p.px >= box.x0 && p.px <= box.x1 && p.py >= box.y0 && p.py <= box.y1;
}

/**
 * A box inside the canvas around one of the points, holding 2..MAX_TILES points (the most it can), none of them
 * within 2 px of its edges (so a rounded mouse position cannot move one across).
 */
function boxAroundSome(points: DrawnPoint[], width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  const nearEdge = (v: number, lo: number, hi: number) => Math.abs(v - lo) < 2 || Math.abs(v - hi) < 2;
  let best: { box: { x0: number; y0: number; x1: number; y1: number }; n: number } | null = null;
  for (const centre of points) {
    for (const half of [40, 30, 20, 12]) {
      const box = { x0: Math.max(2, centre.px - half), y0: Math.max(2, centre.py - half), x1: Math.min(width - 2, centre.px + half), y1: Math.min(height - 2, centre.py + half) };
      const grown = { x0: box.x0 - 2, y0: box.y0 - 2, x1: box.x1 + 2, y1: box.y1 + 2 };
      if (points.some((p) => inBox(p, grown) && (nearEdge(p.px, box.x0, box.x1) || nearEdge(p.py, box.y0, box.y1)))) continue;
      const n = points.filter((p) => inBox(p, box)).length;
      if (n >= 2 && n <= MAX_TILES && n > (best?.n ?? 0)) best = { box, n };
    }
  }
  if (!best) throw new Error(`no box holds 2 to ${MAX_TILES} points with none on its edges`);
  return best.box;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's violations inside the latent-map section, one line each (as tests/e2e/accessibility.test.ts runs it) */
async function sectionViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async (section) => {
    type Violation = { id: string; help: string; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Element, opts: object): Promise<{ violations: Violation[] }> } }).axe;
    const found = (await axe.run(document.querySelector(section)!, { resultTypes: ['violations'] })).violations;
    return found.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }, sel(UI.latentMap));
}

describe('latent map', () => {
  const studio = studioFixture({ args: chromiumArgsFor('webgl') });

  it('maps the validation set, colours it by label, and a dragged box puts exactly its images in the gallery', async () => {
    const { page } = studio;
    const t0 = Date.now();
    await showTrainedModel(page);
    const shown = Date.now();
    const timing = await computeMap(page, { set: 'val', method: 'umap' });
    console.log(
      `latent map e2e: model shown in ${((shown - t0) / 1000).toFixed(0)} s; map of ${timing.points} val images in ${(timing.totalMs / 1000).toFixed(1)} s ` +
        `(features ${(timing.featuresMs / 1000).toFixed(1)} s, UMAP ${(timing.projectionMs / 1000).toFixed(1)} s)`,
    );
    const points = await drawnPoints(page);
    expect(points).toHaveLength(timing.points);
    expect(timing.points).toBeGreaterThan(100);

    // colours follow the label: one legend entry per class with its count
    const legend = await page.locator(sel(UI.latentLegend)).evaluateAll((items) => items.map((li) => ({ category: li.getAttribute('data-category')!, colour: li.getAttribute('data-colour')!, count: Number(li.getAttribute('data-count')) })));
    const labels = [...new Set(points.map((p) => p.label))].sort();
    expect(legend.map((e) => e.category).sort()).toEqual(labels);
    for (const e of legend) expect(e.count).toBe(points.filter((p) => p.label === e.category).length);
    expect(new Set(legend.map((e) => e.colour)).size).toBe(legend.length);
    // the map draws the highest losses first: a point is on top where no point drawn after it covers its centre
    const drawOrder = points.map((_, i) => i).sort((i, j) => points[j].loss - points[i].loss);
    const onTop = drawOrder
      .filter((i, k) => drawOrder.slice(k + 1).every((j) => Math.hypot(points[j].px - points[i].px, points[j].py - points[i].py) > radiusForLoss(points[j].loss) + 1))
      .map((i) => points[i])
      .slice(0, 8);
    expect(onTop.length).toBeGreaterThan(0);
    // drawn at 85 % opacity: the centre's colour is nearest to its own class's (blended on white or on another point)
    const onWhite = (hex: string) => [1, 3, 5].map((k) => 0.85 * parseInt(hex.slice(k, k + 2), 16) + 0.15 * 255);
    for (const p of onTop) {
      const rgb = await page.locator(sel(UI.latentCanvas)).evaluate((canvas: HTMLCanvasElement, [x, y]) => {
        const scale = canvas.width / canvas.clientWidth;
        return Array.from(canvas.getContext('2d')!.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data.slice(0, 3));
      }, [p.px, p.py]);
      const distance = (e: { colour: string }) => Math.hypot(...onWhite(e.colour).map((v, k) => v - rgb[k]));
      const nearest = legend.reduce((best, e) => (distance(e) < distance(best) ? e : best));
      expect(nearest.category, `pixel ${rgb} at ${p.id}`).toBe(p.label);
    }

    // hover: the tooltip names the point under the mouse
    const canvasBox = (await page.locator(sel(UI.latentCanvas)).boundingBox())!;
    await page.mouse.move(canvasBox.x + onTop[0].px, canvasBox.y + onTop[0].py);
    await expect.poll(() => page.getAttribute(sel(UI.latentTooltip), 'data-id')).toBe(onTop[0].id);

    // a box dragged with the mouse: the gallery holds exactly the images whose points lie in it
    const box = boxAroundSome(points, canvasBox.width, canvasBox.height);
    const expected = points.filter((p) => inBox(p, box)).map((p) => p.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    await page.mouse.move(canvasBox.x + box.x0, canvasBox.y + box.y0);
    await page.mouse.down();
    await page.mouse.move(canvasBox.x + (box.x0 + box.x1) / 2, canvasBox.y + (box.y0 + box.y1) / 2, { steps: 4 });
    await page.mouse.move(canvasBox.x + box.x1, canvasBox.y + box.y1, { steps: 4 });
    await page.mouse.up();
    await page.waitForSelector(`${sel(UI.latentSelection)}[data-count="${expected.length}"]`, { timeout: 60_000 });
    await expect.poll(() => page.locator(sel(UI.latentTile)).count(), { timeout: 120_000 }).toBe(expected.length);
    const tiles = await page.locator(sel(UI.latentTile)).evaluateAll((items) => items.map((t) => t.getAttribute('data-id')!));
    expect(tiles.sort()).toEqual(expected);
    // each tile's canvas shows the CAM of its image
    const drawnFor = await page.locator(`${sel(UI.latentTile)} canvas`).evaluateAll((cs) => cs.map((c) => c.getAttribute('data-drawn-for')!));
    expect(drawnFor.sort()).toEqual(expected);

    // exports: the map as a PNG; colour by correctness counts what the CSV's label and prediction columns say
    const png = await downloadBytes(page, UI.latentPng, 'to save the map', 60_000);
    expect(png.name).toBe('latent-map-val-umap.png');
    expect(Array.from(png.bytes.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await page.selectOption(sel(UI.latentColour), 'correctness');
    const wrong = points.filter((p) => p.label !== p.prediction).length;
    const counts = await page.locator(sel(UI.latentLegend)).evaluateAll((items) => Object.fromEntries(items.map((li) => [li.getAttribute('data-category'), Number(li.getAttribute('data-count'))])));
    expect(counts).toEqual(Object.fromEntries([['correct', points.length - wrong], ['wrong', wrong]].filter(([, n]) => n !== 0)));
    expect(await sectionViolations(page)).toEqual([]);
    expect(await errorTexts(page)).toEqual([]);
    console.log(`latent map e2e: ${expected.length} images selected; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
  }, 600_000);
});
