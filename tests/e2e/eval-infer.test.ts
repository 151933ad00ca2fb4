/**
 * Single-image inference in the studio: after a small demo training, a PNG that is not in the dataset (a demo
 * image from another seed, encoded here) and, when the shared data is present, a real JPEG-compressed DICOM
 * go through the import pipeline in the training worker → probability and a CAM whose heat is not uniform.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoImage } from '../../src/lib/demo';
import { openStudio, servePreview, sharedData, type Served, type Session } from '../support/browser';

const SIZE = 64;
const dicomFile = path.join(sharedData, 'cxr-dicom/PNEUMONIA');

describe('single-image inference', () => {
  let served: Served;
  let s: Session;

  beforeAll(async () => {
    served = await servePreview();
    s = await openStudio(served.url);
  });
  afterAll(async () => {
    await s?.close();
    await served?.stop();
  });

  /** Colour spread of the CAM canvas at opacity 1, i.e. of turbo(heat) alone: 0 for a uniform map. */
  async function heatSpread(): Promise<number> {
    return s.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="infer-cam"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let min = 255;
      let max = 0;
      for (let i = 0; i < d.length; i += 4) {
        min = Math.min(min, d[i + 2]);
        max = Math.max(max, d[i + 2]);
      }
      return max - min;
    });
  }

  async function infer(name: string, mimeType: string, buffer: Buffer): Promise<{ probability: number; spread: number }> {
    const { page } = s;
    await page.setInputFiles('[data-testid="infer-input"]', { name, mimeType, buffer });
    await page.waitForSelector(`[data-testid="infer-cam"][data-drawn-for="${name}"], [data-testid="error"]`, { timeout: 180_000 });
    expect(await page.locator('[data-testid="error"]').allTextContents(), name).toEqual([]);
    const probability = Number(await page.textContent('[data-testid="infer-probability"]'));
    const spread = await heatSpread();
    console.log(`${name}: probability ${probability}, class ${await page.textContent('[data-testid="infer-class"]')}, heat colour spread ${spread}`);
    return { probability, spread };
  }

  it('a PNG (and a DICOM) outside the dataset gets a probability and a non-blank CAM', async () => {
    const { page } = s;
    await page.waitForSelector('[data-testid="backend"][data-backend]:not([data-backend=""])', { timeout: 120_000 });
    await page.fill('[data-testid="import-size"]', String(SIZE));
    await page.locator('[data-testid="import-size"]').dispatchEvent('change');
    await page.fill('[data-testid="demo-count"]', '48');
    await page.click('[data-testid="try-demo"]');
    await page.waitForSelector('[data-testid="dataset-row"][data-status="ready"]', { timeout: 300_000 });
    await page.fill('[data-testid="cfg-epochs"]', '2');
    await page.fill('[data-testid="cfg-batch"]', '16');
    await page.fill('[data-testid="cfg-width"]', '0.125');
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="train-status"][data-status="done"], [data-testid="train-status"][data-status="failed"]', { timeout: 800_000 });
    expect(await page.locator('[data-testid="error"]').allTextContents()).toEqual([]);
    await page.waitForSelector('[data-testid="infer-input"]');
    // opacity 1: the canvas shows the heat colours only
    await page.locator('[data-testid="cam-opacity"]').evaluate((el: HTMLInputElement) => {
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
