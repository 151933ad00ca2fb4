/**
 * The import decodes 8-bit grey baseline JPEG with the browser's own decoder (Chromium's ImageDecoder) at full size:
 * on every such file of the shared cxr-dicom folder the stored 224 px image equals the WASM codec's, pixel for pixel.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cxrDir, cxrFiles, openImportLab, type ImportLab } from '../support/import-lab';

describe.skipIf(!existsSync(cxrDir))(`the browser's JPEG decoder against the WASM codec (needs ${cxrDir})`, () => {
  let lab: ImportLab;
  beforeAll(async () => {
    lab = await openImportLab();
  }, 400_000);
  afterAll(async () => lab?.close());

  it('stores the same pixels for every 8-bit grey JPEG of the folder', async () => {
    const results = await lab.compare(cxrFiles(), 224, false);
    const native = results.filter((r) => r.scaled);
    const worst = native.reduce((w, r) => (r.mae > w.mae ? r : w), { file: '', scaled: true, mae: 0 });
    console.log(`224 px: ${native.length} of ${results.length} files decoded by the browser; worst MAE against the WASM decode ${worst.mae} (${worst.file || '—'})`);
    // the folder's baseline JPEG files (the others are other encodings)
    expect(native.length).toBeGreaterThan(results.length / 2);
    expect(worst.mae).toBe(0);
  }, 600_000);
});
