import { describe, expect, it } from 'vitest';
import { datasetVersion } from '../../../src/platform/dataset-source';
import type { DatasetRecord } from '../../../src/platform/db';

const ready: DatasetRecord = {
  id: 'folder-ext',
  name: 'external',
  source: 'folder',
  createdAt: 1000,
  imageSize: 64,
  classes: ['normal', 'pneumonia'],
  status: 'ready',
  imageCount: 40,
  rejectedCount: 2,
  stats: { mean: 0.5, std: 0.2, trainSums: { count: 4096, sum: 2048.5, sumOfSquares: 1200.25 } },
  splitSeed: 7,
  splitFractions: [0.7, 0.15, 0.15],
};

describe('datasetVersion', () => {
  it('stays the same for the same stored dataset (renaming does not reopen it)', () => {
    expect(datasetVersion({ ...ready, name: 'renamed' })).toBe(datasetVersion(ready));
  });

  it('changes when the dataset was deleted and imported again', () => {
    expect(datasetVersion({ ...ready, createdAt: 2000 })).not.toBe(datasetVersion(ready));
  });

  it('changes when it was imported again over itself, even with as many images', () => {
    const refinalised = { ...ready, stats: { ...ready.stats!, trainSums: { count: 4096, sum: 2049.5, sumOfSquares: 1201 } } };
    expect(datasetVersion(refinalised)).not.toBe(datasetVersion(ready));
    expect(datasetVersion({ ...ready, imageCount: 41 })).not.toBe(datasetVersion(ready));
    expect(datasetVersion({ ...ready, status: 'importing' })).not.toBe(datasetVersion(ready));
  });
});
