/**
 * CAM overlays through the studio's CAM panel: choose an image in its list, wait until the canvas says it
 * drew that image, and read the canvas (the overlay at the model's input size) as PNG.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { csvRecords } from '../lib/dataset/csv';
import { StudioError } from '../lib/errors';
import { imageLoss } from '../lib/eval/summary';
import { need, sel, UI } from './ui';

interface CamOption {
  value: string;
  text: string;
}

async function camOptions(page: Page): Promise<CamOption[]> {
  await need(page, UI.camSelect, 'for the CAM images');
  return page.locator(`${sel(UI.camSelect)} option`).evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
}

/** Show one image's CAM; returns the ms from choosing it to the drawn canvas (inference + CAM + drawing). */
async function showCam(page: Page, value: string): Promise<number> {
  const t0 = performance.now();
  await page.selectOption(sel(UI.camSelect), value);
  await page.waitForSelector(`${sel(UI.camCanvas)}[data-drawn-for="${value}"]`, { timeout: 120_000 });
  return performance.now() - t0;
}

/** Mean ms per image over the first `count` images of the list that are not on screen already. */
export async function camTimings(page: Page, count: number): Promise<{ msPerImage: number | null }> {
  const shown = await page.getAttribute(sel(UI.camCanvas), 'data-drawn-for');
  const options = (await camOptions(page)).filter((o) => o.value !== shown).slice(0, count);
  let total = 0;
  for (const o of options) total += await showCam(page, o.value);
  return { msPerImage: options.length > 0 ? total / options.length : null };
}

/** Overlay PNGs of the `count` highest-loss images of an exported predictions CSV, into `dir`. */
export async function camImages(page: Page, predictionsCsv: string, classes: string[], count: number, dir: string): Promise<{ files: string[]; msPerImage: number | null }> {
  const options = await camOptions(page);
  const rows = csvRecords(await readFile(predictionsCsv, 'utf8'));
  const ranked = rows
    .map((r) => ({ file: r.file, loss: imageLoss(r.logit.split(';').map(Number), classes.indexOf(r.label)) }))
    .sort((a, b) => b.loss - a.loss)
    .slice(0, count);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  let totalMs = 0;
  for (const { file, loss } of ranked) {
    const option = options.find((o) => o.text.startsWith(`${file} `));
    if (!option) throw new StudioError('internal', `The CAM list has no image ${file}.`);
    totalMs += await showCam(page, option.value);
    const dataUrl = await page.locator(sel(UI.camCanvas)).evaluate((c) => (c as HTMLCanvasElement).toDataURL('image/png'));
    const name = `cam-${files.length + 1}-loss${loss.toFixed(3)}-${file.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;
    await writeFile(path.join(dir, name), Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
    files.push(path.join(path.basename(dir), name));
  }
  return { files, msPerImage: files.length > 0 ? totalMs / files.length : null };
}
