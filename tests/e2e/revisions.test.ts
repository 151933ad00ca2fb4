/**
 * From an error to a fixed dataset: after a short demo run, a confusion-matrix cell's images are relabelled (3) and
 * excluded (2), saved as a revision whose edits export as CSV, the revision trains in one click, and the two runs are
 * compared; the imported dataset's records stay as they were.
 */
import { strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { downloadBytes, fill, sel, UI } from '../../src/cli/ui';
import { chromiumArgsFor } from '../../src/cli/session';
import { parseCsv } from '../../src/lib/dataset/csv';
import { axeViolations } from '../support/axe-violations';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

interface StoredDataset {
  record: { name: string; imageCount: number; stats?: { mean: number; std: number }; revision?: { parentId: string; number: number; edits: unknown[] } } | null;
  labels: Record<string, number>;
}

/** A dataset's record and its own image records' labels, read from IndexedDB in the page. */
function readStored(page: Page, datasetId: string): Promise<StoredDataset> {
  return page.evaluate(
    (id) =>
      new Promise<StoredDataset>((resolve, reject) => {
        const open = indexedDB.open('cxr-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['datasets', 'images'], 'readonly');
          const record = tx.objectStore('datasets').get(id);
          const images = tx.objectStore('images').index('byDataset').getAll(id);
          tx.oncomplete = () => {
            const labels = Object.fromEntries((images.result as Array<{ id: string; label: number }>).map((m) => [m.id, m.label]));
            open.result.close();
            resolve({ record: record.result ?? null, labels });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    datasetId,
  );
}

describe('dataset revisions', () => {
  const studio = studioFixture({ args: chromiumArgsFor('webgl') });

  it('relabels 3 and excludes 2 images of a confusion cell, trains on the revision and compares the runs', async () => {
    const { page } = studio;
    const t0 = performance.now();
    const lap = (what: string) => console.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await waitForBackend(page);
    await importDemo(page, 240, 32);
    lap('demo imported (240 images, 32 px)');
    await setTraining(page, { epochs: 1, batch: 16, width: 0.125 });
    expect(await trainToEnd(page, 300_000)).toBe('done');
    const firstRun = (await page.getAttribute(sel(UI.runRow), 'data-id'))!;
    await page.waitForSelector(sel(UI.confusionCell), { timeout: 120_000 });
    lap('first run trained and evaluated');

    // the imported dataset as stored before any edit
    const parentId = (await page.getAttribute(`${sel(UI.datasetRow)}`, 'data-id'))!;
    const before = await readStored(page, parentId);
    expect(Object.keys(before.labels).length).toBe(240);

    // a mistake gallery tile's select box selects that image
    const tile = page.locator(sel(UI.gallerySelect)).first();
    await tile.check();
    await page.waitForSelector(`${sel(UI.curation)}[data-selected="1"]`);
    expect(await page.getAttribute(sel(UI.curationImage), 'data-id')).toBe(await tile.getAttribute('data-id'));

    // a cell of the confusion matrix with at least 5 images
    const cells = await page.locator(sel(UI.confusionCell)).evaluateAll((els) =>
      els.map((e) => ({ actual: Number(e.getAttribute('data-actual')), predicted: Number(e.getAttribute('data-predicted')), count: Number(e.getAttribute('data-count')) })),
    );
    console.log(`confusion at 0.5: ${cells.map((c) => `${c.actual}→${c.predicted}: ${c.count}`).join(', ')}`);
    const cell = cells.filter((c) => c.count >= 5).sort((a, b) => a.count - b.count)[0];
    expect(cell, 'a confusion cell with ≥ 5 images').toBeDefined();
    await page.click(`${sel(UI.confusionCell)}[data-actual="${cell.actual}"][data-predicted="${cell.predicted}"]`);
    const curation = page.locator(sel(UI.curation));
    await page.waitForSelector(`${sel(UI.curation)}[data-selected="${cell.count}"]`);
    const selected = await page.locator(sel(UI.curationImage)).evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-id')!, label: Number(e.getAttribute('data-label')) })));
    expect(selected.every((s) => s.label === cell.actual)).toBe(true);
    const picks = page.locator(sel(UI.curationPick));

    // relabel the first 3 to the other class
    for (let i = 3; i < selected.length; i++) await picks.nth(i).uncheck();
    const other = 1 - cell.actual;
    await page.selectOption(sel(UI.curationRelabelTo), String(other));
    await page.click(sel(UI.curationRelabel));
    // exclude the next 2 with a reason
    for (let i = 0; i < 3; i++) await picks.nth(i).uncheck();
    for (let i = 3; i < 5; i++) await picks.nth(i).check();
    await fill(page, UI.curationReason, 'text marker on the image', 'for the exclusion reason');
    await page.click(sel(UI.curationExclude));
    await page.waitForSelector(`${sel(UI.curation)}[data-pending="5"]`);
    expect(await axeViolations(page, sel(UI.curation))).toEqual([]);
    expect(await axeViolations(page, 'section[aria-label="Metrics"]')).toEqual([]);
    expect(await axeViolations(page, 'section[aria-label="Mistakes"]')).toEqual([]);
    const kinds = await page.locator(sel(UI.curationEdit)).evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-id'), e.getAttribute('data-kind')])));
    expect(kinds).toEqual(Object.fromEntries(selected.slice(0, 5).map((s, i) => [s.id, i < 3 ? 'relabel' : 'exclude'])));
    await page.click(sel(UI.curationSave));
    const revisionRow = page.locator(`${sel(UI.revisionRow)}[data-relabelled="3"][data-excluded="2"]`);
    await revisionRow.waitFor();
    const revisionId = (await revisionRow.getAttribute('data-id'))!;
    expect(Number(await revisionRow.getAttribute('data-images'))).toBe(238);
    expect(await page.textContent(`${sel(UI.datasetRow)}[data-id="${revisionId}"] ${sel(UI.datasetRevisionOf)}`)).toContain('revision 1 of');
    expect(await page.locator(sel(UI.revisionDiffRow)).count()).toBe(5);
    lap('revision saved');

    // the edits as CSV: one row per edited image
    const { name, bytes } = await downloadBytes(page, UI.revisionCsv, 'to export the edits');
    const rows = parseCsv(strFromU8(bytes));
    console.log(`${name}:\n${strFromU8(bytes)}`);
    expect(rows[0]).toEqual(['source_path', 'image_id', 'edit', 'from', 'to', 'reason']);
    expect(rows.slice(1).filter((r) => r.length > 1)).toHaveLength(5);
    expect(rows.filter((r) => r[2] === 'relabel').map((r) => r[1]).sort()).toEqual(selected.slice(0, 3).map((s) => s.id).sort());
    expect(rows.filter((r) => r[2] === 'exclude').map((r) => [r[1], r[5]]).sort()).toEqual(selected.slice(3, 5).map((s) => [s.id, 'text marker on the image']).sort());

    // train on the revision in one click; the comparison shows both runs and the 5 changed images
    await curation.locator(sel(UI.curationTrain)).click();
    const compare = `${sel(UI.compare)}:not([data-right="${firstRun}"])`;
    await page.waitForSelector(`${compare} ${sel(UI.compareRun)} >> nth=1`, { timeout: 300_000 });
    lap('revision trained, runs compared');
    const runs = await page.locator(sel(UI.compareRun)).evaluateAll((els) => els.map((e) => ({ run: e.getAttribute('data-run'), auc: e.getAttribute('data-auc'), accuracy: e.getAttribute('data-accuracy'), text: [...e.children].map((c) => c.textContent).join(' | ') })));
    for (const r of runs) console.log(`compared: ${r.text}`);
    expect(runs[0].run).toBe(firstRun);
    expect(runs[1].run).not.toBe(firstRun);
    for (const r of runs) expect(Number(r.auc)).toBeGreaterThanOrEqual(0);
    expect(runs[1].text).toContain('revision 1');
    const changed = await page.locator(sel(UI.compareChange)).evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), e.getAttribute('data-after')]));
    expect(Object.fromEntries(changed)).toEqual(Object.fromEntries(selected.slice(0, 5).map((s, i) => [s.id, i < 3 ? 'relabel' : 'exclude'])));
    await page.waitForSelector(`${sel(UI.compare)} ${sel(UI.chart)}[data-chart="roc-compare"]`);
    await page.waitForSelector(`${sel(UI.compareChange)} canvas`);
    expect(await axeViolations(page, sel(UI.compare))).toEqual([]);
    expect(await axeViolations(page, sel(UI.curation))).toEqual([]);

    // browsing the revision (selected for its run): a relabelled image shows its new label, also in the viewer
    const relabelled = rows.find((r) => r[2] === 'relabel')!;
    await page.click(sel(UI.browse));
    await page.selectOption(sel(UI.browseSplit), 'val');
    await page.selectOption(sel(UI.browseClass), { label: relabelled[4] });
    const thumb = page.locator(`${sel(UI.thumbnail)}[title="${relabelled[0]}"]`);
    await thumb.waitFor();
    expect(await thumb.textContent()).toContain(`${relabelled[4]} ·`);
    await thumb.click();
    await page.waitForSelector(sel(UI.imageViewer));
    expect(await page.textContent(sel(UI.imageViewer))).toContain(`${relabelled[4]} · `);
    await page.click(`${sel(UI.imageViewer)} button:has-text("Close")`);

    // the imported dataset is unchanged: its record, its image records and its row
    const after = await readStored(page, parentId);
    expect(after).toEqual(before);
    expect(Number(await page.getAttribute(`${sel(UI.datasetRow)}[data-id="${parentId}"]`, 'data-images'))).toBe(240);
    const revision = await readStored(page, revisionId);
    expect(revision.labels).toEqual({});
    expect(revision.record?.revision).toMatchObject({ parentId, number: 1 });
    expect(revision.record?.revision?.edits).toHaveLength(5);
    // the edited images are validation images: the training split's statistics stay
    expect(revision.record?.stats?.mean).toBe(before.record?.stats?.mean);
    expect(await errorTexts(page)).toEqual([]);

    // deleting the imported dataset takes its revision and both runs along
    await page.click(`${sel(UI.datasetRow)}[data-id="${parentId}"] ${sel(UI.delete)}`);
    await page.waitForSelector(sel(UI.datasetRow), { state: 'detached' });
    expect((await readStored(page, revisionId)).record).toBeNull();
    expect(await page.evaluate(() => new Promise<number>((resolve) => {
      const open = indexedDB.open('cxr-studio');
      open.onsuccess = () => {
        const count = open.result.transaction('runs').objectStore('runs').count();
        count.onsuccess = () => (open.result.close(), resolve(count.result));
      };
    }))).toBe(0);
    await page.waitForSelector(sel(UI.compare), { state: 'detached' });
    lap('done');
  }, 600_000);
});
