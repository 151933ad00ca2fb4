/**
 * Single-image inference in the studio: after a small demo training, a PNG that is not in the dataset (a demo
 * image from another seed, encoded here) and, when the shared data is present, a real JPEG-compressed DICOM
 * go through the import pipeline in the training worker → probability and a CAM whose heat is not uniform.
 * At this size the CAM panel reads layer 3 (4×4; layer 4 would be 2×2), and every overlay has its colour bar.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { generateDemoImage } from '../../src/lib/demo';
import { fill, sel, UI } from '../../src/cli/ui';
import { sharedData } from '../support/browser';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

const SIZE = 64;
const dicomFile = path.join(sharedData, 'cxr-dicom/PNEUMONIA');

describe('single-image inference', () => {
  const studio = studioFixture();

  /** Colour spread of the CAM canvas at opacity 1, i.e. of turbo(heat) alone: 0 for a uniform map. */
  async function heatSpread(): Promise<number> {
    return studio.page.evaluate((canvas) => {
      const c = document.querySelector<HTMLCanvasElement>(canvas)!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let min = 255;
      let max = 0;
      for (let i = 0; i < d.length; i += 4) {
        min = Math.min(min, d[i + 2]);
        max = Math.max(max, d[i + 2]);
      }
      return max - min;
    }, sel(UI.inferCam));
  }

  async function infer(name: string, mimeType: string, buffer: Buffer): Promise<{ probability: number; spread: number }> {
    const { page } = studio;
    await page.setInputFiles(sel(UI.inferInput), { name, mimeType, buffer });
    await page.waitForSelector(`${sel(UI.inferCam)}[data-drawn-for="${name}"], ${sel(UI.error)}`, { timeout: 180_000 });
    expect(await errorTexts(page), name).toEqual([]);
    const probability = Number(await page.textContent(sel(UI.inferProbability)));
    const spread = await heatSpread();
    console.log(`${name}: probability ${probability}, class ${await page.textContent(sel(UI.inferClass))}, heat colour spread ${spread}`);
    return { probability, spread };
  }

  /**
   * At 64 px layer 4's map is 2×2: the panel starts on layer 3 (4×4), says why when layer 4 is picked (and draws
   * the image plain), and draws the 4×4 map with its colour bar when layer 3 is picked again.
   */
  async function checkLayerChoice(): Promise<void> {
    const { page } = studio;
    const drawnOn = (layer: number) => `${sel(UI.camCanvas)}[data-layer="${layer}"]:not([data-drawn-for=""])`;
    await page.waitForSelector(drawnOn(3), { timeout: 180_000 });
    expect(await page.inputValue(sel(UI.camLayer))).toBe('3');
    await page.selectOption(sel(UI.camLayer), '4');
    await page.waitForSelector(sel(UI.camProblem));
    expect(await page.textContent(sel(UI.camProblem))).toMatch(/layer 4 gives a 2×2 map.*choose layer 3/);
    // the image stays, drawn plain: no 2×2 wash, no colour bar
    await page.waitForSelector(`${drawnOn(4)}[data-too-coarse="true"]`, { timeout: 180_000 });
    expect(await page.locator(`${sel(UI.camCanvas)} ~ ${sel(UI.colourBar)}`).count()).toBe(0);
    await page.selectOption(sel(UI.camLayer), '3');
    await page.waitForSelector(drawnOn(3), { timeout: 180_000 });
    expect(await page.getAttribute(sel(UI.camCanvas), 'data-cam-size')).toBe('4');
    expect(await page.locator(`${sel(UI.camCanvas)} ~ ${sel(UI.colourBar)}`).textContent()).toMatch(/low.*high relevance/);
    expect(await page.locator(sel(UI.camProblem)).count()).toBe(0);
  }

  it('a PNG (and a DICOM) outside the dataset gets a probability and a non-blank CAM', async () => {
    const { page, session: s } = studio;
    await waitForBackend(page);
    await fill(page, UI.importSize, SIZE, 'for the stored size');
    await importDemo(page, 48);
    await setTraining(page, { epochs: 2, batch: 16, width: 0.125 });
    await trainToEnd(page, 800_000);
    expect(await errorTexts(page)).toEqual([]);
    await page.waitForSelector(sel(UI.inferInput));
    await checkLayerChoice();
    // opacity 1: the canvas shows the heat colours only
    await page.locator(sel(UI.camOpacity)).evaluate((el: HTMLInputElement) => {
      el.value = '1';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });

    // a demo radiograph from another seed at 2× the model size: resized on the way in, never in the dataset
    const outside = generateDemoImage(7, { seed: 99, size: 2 * SIZE, positiveFraction: 0.5 });
    const png = Buffer.from(encodePng({ width: 2 * SIZE, height: 2 * SIZE, data: outside.pixels, channels: 1, depth: 8 }));
    const fromPng = await infer('outside-demo.png', 'image/png', png);
    expect(fromPng.probability).toBeGreaterThanOrEqual(0);
    expect(fromPng.probability).toBeLessThanOrEqual(1);
    expect(fromPng.spread).toBeGreaterThan(30);
    // the inference overlay is on the panel's layer, with its colour bar
    expect(await page.getAttribute(sel(UI.inferCam), 'data-cam-size')).toBe('4');
    expect(await page.locator(`${sel(UI.inferCam)} ~ ${sel(UI.colourBar)}`).count()).toBe(1);

    if (existsSync(dicomFile)) {
      const name = readdirSync(dicomFile).find((f) => f.endsWith('.dcm'))!;
      const fromDicom = await infer(name, 'application/dicom', readFileSync(path.join(dicomFile, name)));
      expect(fromDicom.probability).toBeGreaterThanOrEqual(0);
      expect(fromDicom.probability).toBeLessThanOrEqual(1);
      expect(fromDicom.spread).toBeGreaterThan(30);
    } else {
      console.warn(`DICOM part skipped: ${dicomFile} not found`);
    }
    expect(s.consoleErrors).toEqual([]);
  });
});
