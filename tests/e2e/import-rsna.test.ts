/**
 * An RSNA-style flat folder labelled by stage_2_train_labels.csv (several rows per positive patient):
 * every image gets the CSV's rule (pneumonia if any row of its patientId has Target 1), 'pneumonia' is
 * class index 1, and no patient straddles two splits.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sel, UI } from '../../src/cli/ui';
import { foreignRequests, mainThreadImageReads, sharedData } from '../support/browser';
import { studioFixture } from '../support/studio-fixture';
import { exportZip, importFolder, patientsInSeveralSplits, readCsv, readText, storedCounts, waitForFolderDataset, watchLongTasksFromNow, watchedLongTasks } from '../support/import-flow';

const dir = path.join(sharedData, 'rsna-style');
const SIZE = 64;

describe.skipIf(!existsSync(dir))(`RSNA-style folder import (needs ${dir})`, () => {
  const studio = studioFixture();

  it('labels all 240 images from the CSV rule and splits by patient', async () => {
    const { page, session: s, served } = studio;
    const rows = readCsv(await readText(path.join(dir, 'stage_2_train_labels.csv')));
    const positive = new Map<string, boolean>();
    for (const r of rows) positive.set(r.patientId, (positive.get(r.patientId) ?? false) || r.Target === '1');

    await importFolder(page, dir, { size: SIZE, split: '70/15/15' });
    await watchLongTasksFromNow(page);
    const DATASET_ID = await waitForFolderDataset(page, 'rsna-style', SIZE, 300_000);
    expect(await storedCounts(page, DATASET_ID)).toEqual({ images: 240, pixels: 240, rejections: 0 });
    await page.waitForSelector(`${sel(UI.importReport)}[data-images="240"]`);
    const reported = await page.locator(sel(UI.reportClass)).evaluateAll((cells) => cells.map((c) => c.getAttribute('data-class')));
    expect(reported.sort()).toEqual(['normal', 'pneumonia']);

    const exported = await exportZip(page, 120_000);
    expect(exported.stats.classes).toEqual(['normal', 'pneumonia']);
    expect(exported.index).toHaveLength(240);
    let checked = 0;
    for (const row of exported.index) {
      const patientId = path.basename(row.source_path, '.dcm');
      expect(positive.has(patientId), patientId).toBe(true);
      expect(row.label, row.source_path).toBe(positive.get(patientId) ? 'pneumonia' : 'normal');
      expect(row.patient_id).toBe(patientId);
      checked++;
    }
    expect(checked).toBe(240);
    expect(patientsInSeveralSplits(exported.index)).toEqual([]);
    const splits = new Set(exported.index.map((r) => r.split));
    expect([...splits].sort()).toEqual(['test', 'train', 'val']);

    const tasks = await watchedLongTasks(page);
    console.log(`main-thread long tasks: ${JSON.stringify(tasks)}`); // measured in npm run bench:import
    expect(await mainThreadImageReads(page)).toEqual([]);
    expect(s.consoleErrors).toEqual([]);
    expect(foreignRequests(s.requests, served.url.replace(/\/$/, ''))).toEqual([]);
  });
});
