/**
 * `npm run studio -- import` end to end: the CLI drives the built studio headless and its exported PNGs
 * match the pydicom + GDCM references of the conformance set; a bad folder fails with one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedData } from '../support/browser';
import { readCsv } from '../support/import-flow';

const conformance = path.join(sharedData, 'dicom-conformance');
const MAX_MEAN_ABS_ERROR = 1.5;

function studio(args: string[]) {
  const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const r = spawnSync(process.execPath, [tsx, 'src/cli/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('npm run studio -- import', () => {
  it('fails with exit 1 and one line naming a missing folder', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'cli-fail-'));
    const r = studio(['import', '/nonexistent/folder', '--out', out]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('studio: failed [empty-dataset]: /nonexistent/folder is not a folder.');
  });

  it('refuses an unknown option with exit 2 before starting anything', () => {
    const r = studio(['import', 'x', '--out', '/tmp/x', '--epochs', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('studio: --epochs applies to "train" and "export-project", not "import".');
  });

  it.skipIf(!existsSync(conformance))('exports the conformance files as the references render them and lists the rejected ones (needs ../shared/data)', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'cli-import-'));
    const r = studio(['import', path.join(conformance, 'files'), '--image-size', '224', '--out', out]);
    expect(r.stderr).toContain('wrote');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.import.filesSeen).toBe(45);
    expect(report.import.rejected.map((x: { file: string; code: string }) => `${x.file}:${x.code}`).sort()).toEqual(['README.md:not-dicom', 'no-pixel-data.dcm:no-pixel-data']);
    const index = readCsv(readFileSync(path.join(out, 'dataset/index.csv'), 'utf8'));
    expect(index).toHaveLength(report.import.imported);
    const failures: string[] = [];
    let compared = 0;
    for (const row of index) {
      const expectedPng = path.join(conformance, 'expected', `${row.source_path}.png`);
      if (!existsSync(expectedPng)) continue;
      const expected = decode(readFileSync(expectedPng));
      const got = decode(readFileSync(path.join(out, 'dataset', row.path)));
      expect([got.width, got.height, got.channels]).toEqual([224, 224, 1]);
      let sum = 0;
      for (let i = 0; i < got.data.length; i++) sum += Math.abs(got.data[i] - expected.data[i]);
      const mae = sum / got.data.length;
      if (mae > MAX_MEAN_ABS_ERROR) failures.push(`${row.source_path}: MAE ${mae.toFixed(3)}`);
      compared++;
    }
    console.log(`compared ${compared} exported PNGs with the references; over ${MAX_MEAN_ABS_ERROR}: ${failures.length}`);
    expect(compared).toBe(43);
    expect(failures).toEqual([]);
  });
});
