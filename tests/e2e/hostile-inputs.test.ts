/**
 * A hospital export with broken files and hostile text: every valid file is stored, every
 * broken one is listed with its specific reason, and markup in DICOM text fields is shown as
 * text and never executed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, sel, UI } from '../../src/cli/ui';
import { imageElements, nativePixelData, part10 } from '../unit/dicom/dicom-builder';
import { writeBrokenFiles } from '../support/broken-files';
import { exportZip, storedCounts, waitForFolderDataset } from '../support/import-flow';
import { foreignRequests } from '../support/browser';
import { closeViewer, studioFixture, waitForBackend } from '../support/studio-fixture';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">';
const SCRIPT_PAYLOAD = '<script>window.__xss=2</script>';

function validFile(patient: string, seed: number, extra: Array<{ tag: [number, number]; vr: string; value: string }> = []): Uint8Array {
  const pixels = new Uint8Array(32 * 32).map((_, i) => ((i * (seed + 3)) ^ (i >> 5)) & 0xff);
  const elements = imageElements({ rows: 32, columns: 32, extra }).map((e) =>
    e.tag[0] === 0x0010 && e.tag[1] === 0x0020 ? { ...e, value: patient } : e,
  );
  return part10(EXPLICIT_LE, elements, nativePixelData(pixels));
}

describe('hostile and broken inputs', () => {
  const root = path.join(os.tmpdir(), `hostile-${process.pid}`);
  const folder = path.join(root, 'export');
  let broken: ReturnType<typeof writeBrokenFiles>;
  const validNames: string[] = [];

  beforeAll(() => {
    for (const cls of ['normal', 'pneumonia']) {
      mkdirSync(path.join(folder, cls), { recursive: true });
      for (let i = 0; i < 3; i++) {
        const name = `${cls}-${i}.dcm`;
        writeFileSync(path.join(folder, cls, name), validFile(`${cls}-P${i}`, i + (cls === 'normal' ? 0 : 10)));
        validNames.push(`${cls}/${name}`);
      }
    }
    writeFileSync(
      path.join(folder, 'pneumonia', 'hostile.dcm'),
      validFile('HOSTILE', 42, [
        { tag: [0x0010, 0x0010], vr: 'PN', value: IMG_PAYLOAD },
        { tag: [0x0008, 0x103e], vr: 'LO', value: SCRIPT_PAYLOAD },
      ]),
    );
    validNames.push('pneumonia/hostile.dcm');
    broken = writeBrokenFiles(path.join(folder, 'normal'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const studio = studioFixture();

  it('stores every valid file and lists each broken one with its reason', async () => {
    const { page } = studio;
    await waitForBackend(page);
    await fill(page, UI.importSize, 32, 'for the stored size');
    await page.setInputFiles(sel(UI.folderInput), folder);
    const datasetId = await waitForFolderDataset(page, 'export', 32, 120_000);
    const counts = await storedCounts(page, datasetId);
    expect(counts).toEqual({ images: validNames.length, pixels: validNames.length, rejections: broken.length });

    const listed = await page.locator(`${sel(UI.rejections)} li`).allTextContents();
    for (const b of broken) {
      const line = listed.find((l) => l.includes(`normal/${b.name}`));
      expect(line, `${b.name} is listed`).toBeDefined();
      expect(line).toMatch(b.message);
      expect(line).toContain(b.code);
    }
  });

  it('renders markup in PatientName and SeriesDescription as text; nothing executes', async () => {
    const { page, session: s, served } = studio;
    await page.click(sel(UI.browse));
    await page.click(`${sel(UI.thumbnail)}[title="pneumonia/hostile.dcm"]`);
    const metadata = await page.waitForSelector(sel(UI.viewerMetadata));
    const text = (await metadata.textContent()) ?? '';
    expect(text).toContain(IMG_PAYLOAD);
    expect(text).toContain(SCRIPT_PAYLOAD);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator(`${sel(UI.viewerMetadata)} script`).count()).toBe(0);
    await closeViewer(page);
    expect(s.consoleErrors).toEqual([]);
    expect(foreignRequests(s.requests, served.url.replace(/\/$/, ''))).toEqual([]);
  });

  it('exports with salted pseudonyms instead of patient ids and file names when asked', async () => {
    const { page } = studio;
    await page.check(sel(UI.exportPseudonymise));
    const exported = await exportZip(page, 120_000);
    const csv = exported.index.map((r) => Object.values(r).join(',')).join('\n');
    const names = Object.keys(exported.files).join('\n');
    for (const secret of ['HOSTILE', 'normal-P0', 'pneumonia-P2', 'hostile', 'normal-1']) {
      expect(csv).not.toContain(secret);
      expect(names).not.toContain(secret);
    }
    const patients = new Set(exported.index.map((r) => r.patient_id));
    expect(patients.size).toBe(validNames.length); // one pseudonym per patient, grouping kept
    for (const p of patients) expect(p).toMatch(/^[0-9a-f]{16}$/);
  });
});
