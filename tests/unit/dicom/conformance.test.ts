/**
 * Acceptance: every conformance file with an expected rendering (pydicom 2.3 + GDCM: Modality LUT → first window
 * or VOI LUT, else min–max → MONOCHROME1 inverted → area resize to 224×224, 8-bit) is reproduced within a mean
 * absolute error of 1.5 grey levels; the files without pixels are refused with specific codes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/lib/errors';
import { renderImageFile } from '../../../src/lib/dicom';
import { renderToModelSize } from '../../../src/lib/image';

const root = path.resolve(__dirname, '../../../../shared/data/dicom-conformance');
const filesDir = path.join(root, 'files');
const MAX_MEAN_ABS_ERROR = 1.5;

interface ReferenceRow {
  file: string;
  status: string;
  transferSyntax: string;
  photometric: string;
  size: string;
  voi: string;
}

function readReference(): ReferenceRow[] {
  const lines = readFileSync(path.join(root, 'expected/reference.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [file, status, transferSyntax, photometric, size, voi] = line.split(',');
    return { file, status, transferSyntax, photometric, size, voi };
  });
}

const bytesOf = (file: string) => new Uint8Array(readFileSync(path.join(filesDir, file)));

describe.skipIf(!existsSync(root))('DICOM conformance files against pydicom + GDCM (needs ../shared/data)', () => {
  const rows = existsSync(root) ? readReference() : [];
  const rendered = rows.filter((r) => existsSync(path.join(root, 'expected', `${r.file}.png`)));

  it('has a reference row for every file in files/', () => {
    const listed = new Set(rows.map((r) => r.file));
    expect(readdirSync(filesDir).filter((f) => !listed.has(f))).toEqual([]);
    expect(rendered.length).toBeGreaterThanOrEqual(40);
  });

  it(`renders every file with an expected PNG within ${MAX_MEAN_ABS_ERROR} grey levels (MAE printed)`, async () => {
    const report: string[] = [];
    const failures: string[] = [];
    for (const row of rendered) {
      const expected = decode(readFileSync(path.join(root, 'expected', `${row.file}.png`)));
      expect([expected.width, expected.height, expected.channels]).toEqual([224, 224, 1]);
      const { pixels, info } = await renderToModelSize(bytesOf(row.file), row.file, 224, 'stretch');
      let sum = 0;
      for (let i = 0; i < pixels.length; i++) sum += Math.abs(pixels[i] - expected.data[i]);
      const mae = sum / pixels.length;
      report.push(`${mae.toFixed(3).padStart(7)}  ${info.voi.padEnd(7)}  ${row.transferSyntax.padEnd(23)} ${row.file}`);
      if (mae > MAX_MEAN_ABS_ERROR) failures.push(`${row.file}: MAE ${mae.toFixed(3)}`);
      // the decoded header must agree with the reference's reading of it
      expect(info.transferSyntax, row.file).toBe(row.transferSyntax);
      expect(info.photometric, row.file).toBe(row.photometric);
      expect(`${info.columns}x${info.rows}`, row.file).toBe(row.size);
      expect(info.voi, row.file).toBe(row.voi);
    }
    console.log(`per-file mean absolute error (grey levels), VOI, transfer syntax, file\n${report.join('\n')}`);
    expect(failures).toEqual([]);
  });

  it.each([
    ['README.md', 'not-dicom', /not a DICOM|neither DICOM/],
    ['no-pixel-data.dcm', 'no-pixel-data', /Pixel Data \(7FE0,0010\)/],
  ])('refuses %s with code %s and a specific message', async (file, code, message) => {
    const error = await renderImageFile(bytesOf(file), file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe(code);
    expect((error as StudioError).message).toMatch(message);
    expect((error as StudioError).message).toContain(file);
  });

  it('reads the file without extension and the deflated file by content', async () => {
    for (const file of ['6154', 'image_dfl']) {
      const image = await renderImageFile(bytesOf(file), file);
      expect(image.info.format).toBe('dicom');
      expect(image.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });
});
