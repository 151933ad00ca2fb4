/**
 * A hospital-style DICOM export folder through the real UI: 1,601 files (mixed transfer syntaxes), class
 * sub-folders, patient-level splits. The import is interrupted by a page reload and continued by picking
 * the same folder again; then the exported zip is checked against the manifest and the stored statistics.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sel, UI } from '../../src/cli/ui';
import { foreignRequests, mainThreadImageReads, sharedData } from '../support/browser';
import { studioFixture } from '../support/studio-fixture';
import { exportZip, folderDatasetId, importFolder, watchLongTasksFromNow, watchedLongTasks, patientsInSeveralSplits, pngStats, readCsv, readText, storedCounts, waitForReady } from '../support/import-flow';

const dir = path.join(sharedData, 'cxr-dicom');
const manifestPath = path.join(sharedData, 'cxr-dicom-manifest.csv');
const SIZE = 224;

describe.skipIf(!existsSync(dir))(`cxr-dicom folder import (needs ${dir})`, () => {
  const studio = studioFixture();

  it('imports every file once across a reload, reports the manifest counts, exports PNGs whose stats match', async () => {
    const { page, session: s, served } = studio;
    const manifest = readCsv(await readText(manifestPath));
    const started = performance.now();

    // 1. start, then reload in the middle of the import
    await importFolder(page, dir, { size: SIZE });
    // the id carries the folder's identity (its files) and the settings: the same folder picked again resumes it
    const DATASET_ID = await folderDatasetId(page, 'cxr-dicom', SIZE);
    const row = `${sel(UI.datasetRow)}[data-id="${DATASET_ID}"]`;
    await watchLongTasksFromNow(page);
    await page.waitForFunction((progress) => {
      const text = document.querySelector(progress)?.textContent ?? '';
      const done = Number(/: (\d+) \//.exec(text)?.[1] ?? 0);
      return done >= 300;
    }, sel(UI.importProgress), { timeout: 300_000 });
    const tasksBeforeReload = await watchedLongTasks(page);
    const readsBeforeReload = await mainThreadImageReads(page);
    await page.reload();
    const partial = await storedCounts(page, DATASET_ID);
    console.log(`after reload: ${partial.images} images stored`);
    expect(partial.images).toBeGreaterThanOrEqual(300);
    expect(partial.images).toBeLessThan(manifest.length);
    await page.waitForSelector(`${row}[data-status="importing"]`);

    // 2. pick the same folder again: it continues, without duplicates
    const repickAt = await page.evaluate(() => performance.now());
    await importFolder(page, dir, { size: SIZE });
    await watchLongTasksFromNow(page);
    await waitForReady(page, DATASET_ID, 240_000);
    const readyAt = await page.evaluate(() => performance.now());
    console.log(`re-pick at ${repickAt.toFixed(0)} ms, ready at ${readyAt.toFixed(0)} ms`);
    const importSeconds = (performance.now() - started) / 1000;
    console.log(`import of ${manifest.length} files at ${SIZE} px (with one reload): ${importSeconds.toFixed(1)} s, ${(manifest.length / importSeconds).toFixed(1)} files/s`);
    expect(await storedCounts(page, DATASET_ID)).toEqual({ images: manifest.length, pixels: manifest.length, rejections: 0 });

    // 3. the report: every class count equals the manifest's, nothing rejected
    await page.waitForSelector(`${sel(UI.importReport)}[data-images="${manifest.length}"]`);
    expect(await page.getAttribute(sel(UI.importReport), 'data-rejected')).toBe('0');
    const expectedByClass: Record<string, number> = {};
    for (const row of manifest) expectedByClass[row.label] = (expectedByClass[row.label] ?? 0) + 1;
    const reported = await page.locator(sel(UI.reportClass)).evaluateAll((cells) => Object.fromEntries(cells.map((c) => [c.getAttribute('data-class'), Number(c.getAttribute('data-count'))])));
    expect(reported).toEqual(expectedByClass);
    const encodings = await page.locator(`${sel(UI.reportEncodings)} li`).allTextContents();
    console.log('encodings:', encodings.join('; '));
    expect(encodings.length).toBeGreaterThan(3);

    // 4. export: one PNG per file, labels and patients as in the manifest, sha256 right, stats equal
    const exportStarted = performance.now();
    const exportAt = await page.evaluate(() => performance.now());
    const exported = await exportZip(page, 300_000);
    console.log(`export at ${exportAt.toFixed(0)} ms`);
    console.log(`export zip: ${((performance.now() - exportStarted) / 1000).toFixed(1)} s`);
    expect(exported.index).toHaveLength(manifest.length);
    const bySource = new Map(exported.index.map((r) => [r.source_path, r]));
    for (const m of manifest) {
      const row = bySource.get(m.file);
      expect(row, m.file).toBeDefined();
      expect(row!.label).toBe(m.label);
      expect(row!.patient_id).toBe(m.patient);
      expect(row!.path.startsWith(`${row!.split}/${m.label}/`)).toBe(true);
      expect(createHash('sha256').update(exported.files[row!.path]).digest('hex')).toBe(row!.sha256);
    }
    expect(patientsInSeveralSplits(exported.index)).toEqual([]);
    const splitCounts = { train: 0, val: 0, test: 0 } as Record<string, number>;
    for (const r of exported.index) splitCounts[r.split]++;
    console.log('split counts:', JSON.stringify(splitCounts));
    expect(splitCounts.val).toBeGreaterThan(0);
    expect(splitCounts.test).toBeGreaterThan(0);

    const independent = pngStats(exported, 'train');
    const stored = {
      mean: Number(await page.getAttribute(`${row} ${sel(UI.datasetStats)}`, 'data-mean')),
      std: Number(await page.getAttribute(`${row} ${sel(UI.datasetStats)}`, 'data-std')),
    };
    console.log(`train mean/std: stored ${stored.mean} / ${stored.std}, from PNGs ${independent.mean} / ${independent.std} (${independent.images} images)`);
    expect(Math.abs(stored.mean - independent.mean)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(stored.std - independent.std)).toBeLessThanOrEqual(1e-6);
    expect(exported.stats.trainMean).toBe(stored.mean);

    const tasksAfterReload = await watchedLongTasks(page);
    const tasks = [...tasksBeforeReload, ...tasksAfterReload].map((t) => t.durationMs);
    console.log(`main-thread long tasks: before reload ${JSON.stringify(tasksBeforeReload)}, after ${JSON.stringify(tasksAfterReload)}, longest ${Math.max(0, ...tasks).toFixed(0)} ms`);
    expect([...readsBeforeReload, ...(await mainThreadImageReads(page))]).toEqual([]);
    expect(s.consoleErrors).toEqual([]);
    expect(foreignRequests(s.requests, served.url.replace(/\/$/, ''))).toEqual([]);
  });
});
