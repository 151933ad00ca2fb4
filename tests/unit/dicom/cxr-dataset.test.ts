/**
 * Acceptance: the 1,601 chest X-rays of shared/data/cxr-dicom all decode, none refused.
 * The full pass takes about 5 s in Node (measured 5.2 s on 2 cores), so it always runs whole.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderImageFile } from '../../../src/lib/dicom';

const dataRoot = path.resolve(__dirname, '../../../../shared/data');
const manifestPath = path.join(dataRoot, 'cxr-dicom-manifest.csv');

interface ManifestRow {
  file: string;
  label: string;
  encoding: string;
}

function readManifest(): ManifestRow[] {
  const lines = readFileSync(manifestPath, 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [file, label, , , encoding] = line.split(',');
    return { file, label, encoding };
  });
}

describe.skipIf(!existsSync(manifestPath))('cxr-dicom dataset decodes (needs ../shared/data)', () => {
  const rows = existsSync(manifestPath) ? readManifest() : [];

  it('decodes all 1,601 files, none refused (time per encoding printed)', async () => {
    expect(rows.length).toBe(1601);

    const refused: string[] = [];
    const byEncoding = new Map<string, { files: number; ms: number }>();
    const started = performance.now();
    for (const row of rows) {
      const bytes = new Uint8Array(readFileSync(path.join(dataRoot, 'cxr-dicom', row.file)));
      const t0 = performance.now();
      try {
        const image = await renderImageFile(bytes, row.file);
        expect(image.pixels.length).toBe(image.width * image.height);
        let min = Infinity;
        let max = -Infinity;
        for (const v of image.pixels) {
          if (!(v >= 0 && v <= 1)) throw new Error(`display value ${v} outside [0, 1]`);
          if (v < min) min = v;
          if (v > max) max = v;
        }
        expect(max - min, `${row.file} is blank`).toBeGreaterThan(0.2);
        expect(image.info.patientId, row.file).toBeTruthy();
        if (row.encoding === 'mono1') expect(image.info.photometric).toBe('MONOCHROME1');
        if (row.encoding === 'bits12') expect([image.info.bitsStored, image.info.voi]).toEqual([12, 'window']);
      } catch (e) {
        refused.push(`${row.file} (${row.encoding}): ${e instanceof Error ? e.message : String(e)}`);
      }
      const stat = byEncoding.get(row.encoding) ?? { files: 0, ms: 0 };
      stat.files += 1;
      stat.ms += performance.now() - t0;
      byEncoding.set(row.encoding, stat);
    }
    const seconds = (performance.now() - started) / 1000;
    const lines = [...byEncoding].map(([enc, s]) => `${enc.padEnd(14)} ${String(s.files).padStart(5)} files  ${(s.ms / s.files).toFixed(1).padStart(7)} ms/file`);
    console.log(`${rows.length} files in ${seconds.toFixed(1)} s\n${lines.join('\n')}`);
    expect(refused).toEqual([]);
  });
});
