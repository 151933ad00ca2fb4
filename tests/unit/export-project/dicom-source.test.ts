/**
 * `--source dicom`: train.py reads the original DICOM files through pydicom (+ GDCM for the compressed ones)
 * with the studio's pixel pipeline and gets the pixels the studio stores (stretch fit, area resize, 8 bits)
 * within 1 grey level, on 3 files of every encoding in ../shared/data/cxr-dicom (JPEG baseline, lossless,
 * JPEG-LS, JPEG 2000, RLE, explicit/implicit VR, MONOCHROME1, 12-bit windowed). Skips, saying why, without
 * the shared data or without python3 + torch + pydicom + gdcm.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderToModelSize } from '../../../src/lib/image/model-input';
import { TRAIN_PY } from '../../../src/lib/export-project/project';
import { PYTHON, runIn, torchMissing } from './fixture';
import { spawnSync } from 'node:child_process';

const data = path.resolve(__dirname, '../../../../shared/data');
const manifest = path.join(data, 'cxr-dicom-manifest.csv');

function missing(): string | null {
  if (!existsSync(manifest)) return `${manifest} not found`;
  const torch = torchMissing();
  if (torch) return torch;
  const probe = spawnSync(PYTHON, ['-c', 'import pydicom, gdcm'], { encoding: 'utf8' });
  return probe.status === 0 ? null : `${PYTHON} lacks pydicom or gdcm (python3-pydicom python3-gdcm): ${probe.stderr.trim().split('\n').at(-1)}`;
}

const skipReason = missing();
if (skipReason) console.warn(`skipping the DICOM-source pixel check: ${skipReason}`);

const PROBE = `
import json, sys
sys.path.insert(0, sys.argv[1])
import train
size = int(sys.argv[2])
print(json.dumps([train.render_dicom(p, size).ravel().tolist() for p in sys.argv[3:]]))
`;

describe.skipIf(skipReason !== null)("train.py's DICOM reader vs the studio's import", () => {
  it('gives the stored 64 px pixels within 1 grey level on every encoding', async () => {
    const rows = readFileSync(manifest, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const perEncoding = new Map<string, string[]>();
    for (const [file, , , , encoding] of rows) {
      const files = perEncoding.get(encoding) ?? [];
      if (files.length < 3) perEncoding.set(encoding, [...files, file]);
    }
    const files = [...perEncoding.values()].flat();
    expect(perEncoding.size).toBe(9);
    const dir = mkdtempSync(path.join(tmpdir(), 'dicom-source-'));
    writeFileSync(path.join(dir, 'train.py'), TRAIN_PY);
    const size = 64;
    const theirs = JSON.parse(runIn(dir, PYTHON, ['-c', PROBE, dir, String(size), ...files.map((f) => path.join(data, 'cxr-dicom', f))])) as number[][];
    const report: string[] = [];
    let worst = 0;
    for (let i = 0; i < files.length; i++) {
      const { pixels } = await renderToModelSize(new Uint8Array(readFileSync(path.join(data, 'cxr-dicom', files[i]))), files[i], size, 'stretch');
      let max = 0;
      let differing = 0;
      for (let p = 0; p < pixels.length; p++) {
        const d = Math.abs(pixels[p] - theirs[i][p]);
        if (d > 0) differing++;
        max = Math.max(max, d);
      }
      worst = Math.max(worst, max);
      report.push(`${files[i]} (${rows.find((r) => r[0] === files[i])![4]}): max ${max}, ${differing} of ${pixels.length} differ`);
    }
    console.log(`pydicom + train.py vs the studio, ${files.length} files at ${size} px:\n${report.join('\n')}`);
    expect(worst).toBeLessThanOrEqual(1);
  });
});
