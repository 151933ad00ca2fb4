/**
 * The README's screenshots, taken from the built studio so they stay current:
 *   npm run build && npm run screenshots
 * trains a small live run on the demo (so the run list has one), then shows the bundled demo model
 * ("Show a trained model"), computes its latent map, and photographs the page and its sections into
 * docs/screenshots/; last, with ../shared/data, the audit of the cxr-dicom folder with 20 planted copies.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStudio, repoRoot, servePreview, sharedData } from '../support/browser';
import { importFolder, waitForFolderDataset } from '../support/import-flow';
import { computeMap } from '../support/latent-map';
import { importDemo, setTraining, trainToEnd, waitForBackend } from '../support/studio-steps';
import { UI, sel } from '../../src/cli/ui';

const out = path.join(repoRoot, 'docs/screenshots');
await mkdir(out, { recursive: true });
const served = await servePreview();
const session = await openStudio(served.url);
try {
  const { page } = session;
  await page.setViewportSize({ width: 1280, height: 900 });
  await waitForBackend(page);
  await importDemo(page, 48);
  await setTraining(page, { epochs: 2, batch: 16, width: 0.125, augment: false });
  console.log(`live run: ${await trainToEnd(page, 1_200_000)}`);
  // the sticky stepper would sit over the middle of every section photographed
  await page.addStyleTag({ content: `${sel(UI.guide)} { position: static !important; }` });
  // the training panel with the live run's curves and the run list
  await page.locator('[aria-label="Training"]').first().screenshot({ path: path.join(out, 'runs.png') });
  console.log('wrote docs/screenshots/runs.png');
  await page.click(sel(UI.showDemoModel));
  // "ready" once the bundled model is evaluated and its pointing game played (the live run's is replaced)
  await page.waitForSelector(`${sel(UI.showcaseStatus)}[data-phase="ready"]`, { timeout: 900_000 });
  await page.waitForSelector(`${sel(UI.camCanvas)}:not([data-drawn-for=""])`, { timeout: 120_000 });
  const pointing = await page.getAttribute(sel(UI.pointingGame), 'data-accuracy');
  const total = await page.getAttribute(sel(UI.pointingGame), 'data-total');
  console.log(`demo model shown: pointing game ${Number(pointing).toFixed(3)} over ${total} held-out positives`);
  // the page as a person first sees it (1280 × 900): the stepper, the data and the training panels
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(out, 'studio.png') });
  console.log('wrote docs/screenshots/studio.png');
  const shots: Array<[string, string]> = [
    ['metrics.png', '[aria-label="Metrics"]'],
    ['cam.png', '[aria-label="Class activation map"]'],
  ];
  for (const [file, selector] of shots) {
    await page.locator(selector).first().screenshot({ path: path.join(out, file) });
    console.log(`wrote docs/screenshots/${file}`);
  }
  const map = await computeMap(page, { set: 'val' });
  await page.locator(sel(UI.latentMap)).screenshot({ path: path.join(out, 'map.png') });
  console.log(`wrote docs/screenshots/map.png (${map.points} points)`);
  await auditShot(page);
} finally {
  await session.close();
  await served.stop();
}

/** The audit of the shared cxr-dicom folder with 20 of its files copied into the other class (the acceptance test's folder). */
async function auditShot(page: import('playwright-core').Page): Promise<void> {
  const source = path.join(sharedData, 'cxr-dicom');
  if (!existsSync(source)) return console.log(`audit.png not taken: needs ${source}`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'cxr-audit-shot-'));
  try {
    const made = spawnSync('/usr/bin/python3', [path.join(repoRoot, 'tests/scripts/make-audit-folders.py'), 'copies', source, path.join(work, 'cxr-dicom-with-copies'), '20'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (made.status !== 0) return console.log(`audit.png not taken: make-audit-folders.py failed: ${made.stderr.trim().split('\n').pop()}`);
    await importFolder(page, path.join(work, 'cxr-dicom-with-copies'), { size: 64 });
    const id = await waitForFolderDataset(page, 'cxr-dicom-with-copies', 64, 600_000);
    await page.click(sel(UI.auditOpen));
    await page.waitForSelector(`${sel(UI.audit)}[data-dataset="${id}"][data-state="ready"]`);
    await page.waitForFunction((thumb) => [...document.querySelectorAll(thumb)].every((c) => c.getAttribute('data-drawn') === 'true'), sel(UI.auditThumb));
    await page.locator(sel(UI.audit)).screenshot({ path: path.join(out, 'audit.png') });
    console.log('wrote docs/screenshots/audit.png');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
