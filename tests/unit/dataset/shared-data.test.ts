/** Checks against the shared real data in ../shared/data (skipped with a reason when absent). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignSplits, groupCounts, groupKey, labelFromPath, lookupLabel, parseCsv, parseLabelCsv, parseSplitSpec } from '../../../src/lib/dataset';

// Beside the repository (../shared/data) or, in some checkouts, inside it (shared/data).
const repoRoot = path.resolve(__dirname, '../../..');
const dataDir = [path.join(repoRoot, '../shared/data'), path.join(repoRoot, 'shared/data')].find(existsSync) ?? path.join(repoRoot, '../shared/data');
const rsnaDir = path.join(dataDir, 'rsna-style');
const rsnaCsv = path.join(rsnaDir, 'stage_2_train_labels.csv');
const manifestCsv = path.join(dataDir, 'cxr-dicom-manifest.csv');

describe.skipIf(!existsSync(rsnaCsv))(`RSNA-style labels (needs ${rsnaCsv})`, () => {
  const text = readFileSync(rsnaCsv, 'utf8');
  const table = parseLabelCsv(text);

  it('reads 240 patients, each positive iff any of its rows has Target = 1', () => {
    expect(table.kind).toBe('rsna');
    expect(table.labels.size).toBe(240);
    // Independent reading of the rule with plain string splitting (the file has no quotes).
    const anyPositive = new Map<string, boolean>();
    for (const line of text.trim().split(/\r?\n/).slice(1)) {
      const cells = line.split(',');
      anyPositive.set(cells[0], (anyPositive.get(cells[0]) ?? false) || cells[5] === '1');
    }
    expect(anyPositive.size).toBe(240);
    for (const [patient, positive] of anyPositive) expect(table.labels.get(patient)).toBe(positive ? '1' : '0');
  });

  it('labels every image file in the folder by its patientId file name', () => {
    const files = readdirSync(path.join(rsnaDir, 'stage_2_train_images'));
    expect(files.length).toBe(240);
    for (const file of files) {
      const label = lookupLabel(table, { path: `rsna-style/stage_2_train_images/${file}` });
      expect(label).toBe(table.labels.get(file.replace(/\.dcm$/, '')));
    }
  });
});

describe.skipIf(!existsSync(manifestCsv))(`cxr-dicom manifest (needs ${manifestCsv})`, () => {
  const text = readFileSync(manifestCsv, 'utf8');
  const [header, ...rows] = parseCsv(text);
  const column = (name: string) => header.indexOf(name);
  const files = rows.map((r) => r[column('file')]);
  const patients = rows.map((r) => r[column('patient')]);
  const labels = rows.map((r) => r[column('label')]);

  it('splits 80/10/10 by patient with no patient in two splits', () => {
    const keys = rows.map((_, i) => groupKey({ patientId: patients[i], path: files[i] }));
    const fractions = parseSplitSpec('80/10/10');
    const splits = assignSplits(keys, { seed: 1, fractions });
    const splitOfPatient = new Map<string, string>();
    splits.forEach((s, i) => {
      expect(splitOfPatient.get(patients[i]) ?? s).toBe(s);
      splitOfPatient.set(patients[i], s);
    });
    const patientCounts = ['train', 'val', 'test'].map((s) => [...splitOfPatient.values()].filter((v) => v === s).length);
    expect(patientCounts).toEqual(groupCounts(splitOfPatient.size, fractions));
    const imageShares = ['train', 'val', 'test'].map((s) => splits.filter((v) => v === s).length / splits.length);
    console.log(`manifest: ${rows.length} images, ${splitOfPatient.size} patients → patients ${patientCounts.join('/')}, image shares ${imageShares.map((f) => f.toFixed(3)).join('/')}`);
    imageShares.forEach((share, i) => expect(Math.abs(share - fractions[i])).toBeLessThan(0.04));
  });

  it('agrees with folder labels and CSV lookups for every file', () => {
    const table = parseLabelCsv(text);
    expect([table.kind, table.keyColumn, table.labelColumn]).toEqual(['generic', 'file', 'label']);
    files.forEach((file, i) => {
      expect(labelFromPath(`cxr-dicom/${file}`, 'cxr-dicom')).toBe(labels[i]);
      expect(lookupLabel(table, { path: `cxr-dicom/${file}` })).toBe(labels[i]);
    });
  });
});
