/**
 * Acceptance 1 of issue 16, through the real UI: the shared cxr-dicom folder with 20 of its files copied again under
 * other names into the other class folder (byte copies, decompressed, re-encoded as JPEG q70, brightened: written by
 * tests/scripts/make-audit-folders.py into a temp dir) — the audit pairs every copy with its original and the
 * leakage warning names the splits; and a synthetic folder whose NORMAL images are all PA and PNEUMONIA all AP gets
 * a shortcut warning naming the view position.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sel, UI } from '../../src/cli/ui';
import { sharedData } from '../support/browser';
import { studioFixture } from '../support/studio-fixture';
import { importFolder, readCsv, waitForFolderDataset } from '../support/import-flow';
import { axeViolations } from '../support/axe-violations';

const PYTHON = '/usr/bin/python3';
const script = path.resolve(__dirname, '../scripts/make-audit-folders.py');
const source = path.join(sharedData, 'cxr-dicom');
const SIZE = 32;

function pythonMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import pydicom, numpy, PIL, gdcm'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} is not available`;
  return probe.status === 0 ? null : `${PYTHON} lacks pydicom, numpy, PIL or gdcm (${probe.stderr.trim().split('\n').pop()})`;
}

const skipReason = !existsSync(source) ? `needs ${source}` : pythonMissing();
if (skipReason) console.warn(`skipping the dataset audit test: ${skipReason}`);

interface Copy {
  copy: string;
  original: string;
  kind: string;
}

function makeFolders(args: string[]): string {
  const run = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (run.status !== 0) throw new Error(`make-audit-folders.py ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

/** Click a download button and read what it saved. */
async function download(page: Page, testid: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(sel(testid))]);
  return readFileSync((await file.path())!, 'utf8');
}

describe.skipIf(skipReason !== null)('dataset audit (acceptance 1 of issue 16)', () => {
  const studio = studioFixture();
  let work = '';
  let copies: Copy[] = [];

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cxr-audit-'));
    copies = JSON.parse(makeFolders(['copies', source, path.join(work, 'cxr-audit'), '20'])) as Copy[];
    makeFolders(['shortcut', path.join(work, 'ap-pa-shortcut'), '15']);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('pairs each of the 20 copies with its original and names the splits of the leaking pairs', async () => {
    const { page } = studio;
    expect(copies).toHaveLength(20);
    const started = performance.now();
    await importFolder(page, path.join(work, 'cxr-audit'), { size: SIZE });
    const id = await waitForFolderDataset(page, 'cxr-audit', SIZE, 240_000);
    const importSeconds = (performance.now() - started) / 1000;

    await page.click(sel(UI.auditOpen));
    const audit = await page.waitForSelector(`${sel(UI.audit)}[data-dataset="${id}"][data-state="ready"]`);
    const total = Number(await audit.getAttribute('data-pairs'));
    const threshold = Number(await audit.getAttribute('data-threshold'));

    // every copy is paired with its original (the CSV holds every stored pair: here all of them)
    const pairs = readCsv(await download(page, UI.auditCsv));
    expect(pairs).toHaveLength(total);
    const byKind: Record<string, number[]> = {};
    for (const c of copies) {
      const pair = pairs.find((p) => (p.a_path === c.original && p.b_path === c.copy) || (p.a_path === c.copy && p.b_path === c.original));
      expect(pair, `${c.kind} copy ${c.copy} of ${c.original}`).toBeDefined();
      expect(Number(pair!.distance)).toBeLessThanOrEqual(threshold);
      expect(pair!.a_label).not.toBe(pair!.b_label);
      if (c.kind === 'exact') expect(pair!.exact).toBe('1');
      (byKind[c.kind] ??= []).push(Number(pair!.distance));
    }

    // the leakage warning names exactly the split pairs that near-duplicates cross
    const crossing = [...new Set(pairs.filter((p) => p.cross_split === '1').map((p) => [p.a_split, p.b_split].sort(bySplit).join('|')))].sort();
    const copiesAcross = copies.filter((c) => pairs.some((p) => p.cross_split === '1' && [p.a_path, p.b_path].includes(c.copy))).length;
    expect(copiesAcross).toBeGreaterThan(0);
    const leakage = await page.waitForSelector(sel(UI.auditLeakage));
    expect(((await leakage.getAttribute('data-splits')) ?? '').split(',').sort()).toEqual(crossing);
    const text = (await leakage.textContent()) ?? '';
    for (const s of crossing) expect(text).toContain(`across ${s.split('|')[0]} and ${s.split('|')[1]}`);
    const reportText = (await page.textContent(sel(UI.reportLeakage))) ?? '';
    for (const s of crossing) expect(reportText).toContain(`across ${s.split('|')[0]} and ${s.split('|')[1]}`);

    // the pairs on screen: cross-split first, both thumbnails painted side by side
    const shown = await page.locator(sel(UI.auditPair)).evaluateAll((els) => els.map((e) => e.getAttribute('data-splits')!));
    expect(shown.length).toBeGreaterThan(0);
    const [first] = shown[0].split('|');
    expect(shown[0].split('|')[1]).not.toBe(first);
    await page.waitForFunction(({ pair, thumb }) => {
      const cards = [...document.querySelectorAll(pair)];
      return cards.length > 0 && cards.every((c) => c.querySelectorAll(`${thumb}[data-drawn="true"]`).length === 2);
    }, { pair: sel(UI.auditPair), thumb: sel(UI.auditThumb) }, { timeout: 30_000 });
    expect(await axeViolations(page, sel(UI.audit))).toEqual([]);
    // the next page shows the next stored pairs, in the CSV's order
    const firstPage = await page.locator(sel(UI.auditPair)).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-a')} ${e.getAttribute('data-b')}`));
    expect(firstPage).toEqual(pairs.slice(0, firstPage.length).map((p) => `${p.a_id} ${p.b_id}`));
    await page.click(sel(UI.auditPairsNext));
    await page.waitForFunction(([pair, id]) => document.querySelector(pair)?.getAttribute('data-a') !== id, [sel(UI.auditPair), firstPage[0].split(' ')[0]] as const);
    const secondPage = await page.locator(sel(UI.auditPair)).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-a')} ${e.getAttribute('data-b')}`));
    expect(secondPage).toEqual(pairs.slice(firstPage.length, firstPage.length + secondPage.length).map((p) => `${p.a_id} ${p.b_id}`));

    // the other downloads
    const json = JSON.parse(await download(page, UI.auditJson)) as { dataset: { id: string }; nearDuplicates: { total: number }; splits: Array<{ images: number }> };
    expect(json.dataset.id).toBe(id);
    expect(json.nearDuplicates.total).toBe(total);
    expect(json.splits.reduce((s, x) => s + x.images, 0)).toBe(1601 + 20);
    const tables = readCsv(await download(page, UI.auditTablesCsv));
    expect(tables.some((r) => r.table === 'split' && r.row === 'train' && r.column === 'patients')).toBe(true);

    console.log(
      `audit of ${1601 + 20} files at ${SIZE} px: import ${importSeconds.toFixed(1)} s; ${total} near-duplicate pairs at distance ≤ ${threshold} ` +
        `(${pairs.filter((p) => p.cross_split === '1').length} across splits); copies across splits ${copiesAcross} of 20; ` +
        `distances of the copies: ${Object.entries(byKind).map(([k, d]) => `${k} ${d.join(',')}`).join('; ')}; leakage: ${text}`,
    );
  });

  it('warns that every PNEUMONIA image is AP and every NORMAL image PA', async () => {
    const { page } = studio;
    await importFolder(page, path.join(work, 'ap-pa-shortcut'), { size: SIZE });
    const id = await waitForFolderDataset(page, 'ap-pa-shortcut', SIZE, 60_000);
    if (!(await page.$(sel(UI.audit)))) await page.click(sel(UI.auditOpen));
    await page.waitForSelector(`${sel(UI.audit)}[data-dataset="${id}"][data-state="ready"]`);
    const warnings = await page.locator(sel(UI.auditShortcut)).evaluateAll((els) => els.map((e) => ({ attribute: e.getAttribute('data-attribute'), text: e.textContent ?? '' })));
    console.log(`shortcut warnings: ${JSON.stringify(warnings)}`);
    expect(warnings.map((w) => w.attribute)).toEqual(['viewPosition']);
    expect(warnings[0].text).toContain('Every NORMAL image is PA and every PNEUMONIA image is AP');
    expect(warnings[0].text).toContain('view position');
    const view = await page.locator(`${sel(UI.auditAttribute)}[data-attribute="viewPosition"] tbody tr`).allTextContents();
    expect(view).toHaveLength(2);
    expect(await axeViolations(page, sel(UI.audit))).toEqual([]);
  });
});

function bySplit(a: string, b: string): number {
  return ['train', 'val', 'test'].indexOf(a) - ['train', 'val', 'test'].indexOf(b);
}
