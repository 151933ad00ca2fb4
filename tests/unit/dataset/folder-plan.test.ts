import { describe, expect, it } from 'vitest';
import { folderDatasetId, labelCsvIndex, planFolderImport, type ListedFile } from '../../../src/lib/dataset/folder-plan';

const listed = (path: string, size = 100, lastModified = 1): ListedFile => ({ path, size, lastModified });
const settings = { size: 64, fit: 'stretch' as const };

describe('planFolderImport', () => {
  it('labels by class folder, keeps forced splits, and leaves non-CSV files to the importer', () => {
    const files = [listed('train/NORMAL/a.dcm'), listed('val/PNEUMONIA/b.dcm'), listed('c.dcm')];
    const plan = planFolderImport('xr', files, null, settings);
    expect(plan.classes).toEqual(['NORMAL', 'PNEUMONIA']);
    expect(plan.table).toBeNull();
    expect(plan.images).toEqual([
      { index: 0, path: 'train/NORMAL/a.dcm', splitHint: 'train' },
      { index: 1, path: 'val/PNEUMONIA/b.dcm', splitHint: 'val' },
      { index: 2, path: 'c.dcm', splitHint: null },
    ]);
  });

  it('takes its labels from a CSV at the top (RSNA Target 0/1 as normal/pneumonia) and does not import the CSV', () => {
    const files = [listed('a.dcm'), listed('labels.csv'), listed('sub/other.csv')];
    expect(labelCsvIndex(files)).toBe(1);
    const plan = planFolderImport('rsna', files, 'patientId,x,y,width,height,Target\na,1,1,2,2,1\nb,,,,,0\n', settings);
    expect(plan.table?.kind).toBe('rsna');
    expect(plan.classes).toEqual(['normal', 'pneumonia']);
    expect(plan.images.map((i) => i.path)).toEqual(['a.dcm', 'sub/other.csv']);
  });
});

describe('dataset ids', () => {
  const a = [listed('NORMAL/1.dcm', 10), listed('PNEUMONIA/2.dcm', 20)];

  it('two different folders with the same name get two ids; the same folder listed in another order gets the same', () => {
    const b = [listed('NORMAL/1.dcm', 11), listed('PNEUMONIA/2.dcm', 20)];
    expect(folderDatasetId('images', a, settings)).not.toBe(folderDatasetId('images', b, settings));
    expect(folderDatasetId('images', a, settings)).toBe(folderDatasetId('images', [...a].reverse(), settings));
    expect(folderDatasetId('images', a, settings)).toMatch(/^folder-images-64px-[0-9a-f]{10}$/);
  });

  it('settings that change the stored pixels change the id; the name alone does not make it', () => {
    const ids = new Set([
      folderDatasetId('images', a, settings),
      folderDatasetId('images', a, { size: 32, fit: 'stretch' }),
      folderDatasetId('images', a, { size: 64, fit: 'letterbox' }),
      folderDatasetId('images', a.map((f) => ({ ...f, lastModified: 2 })), settings),
    ]);
    expect(ids.size).toBe(4);
    expect(folderDatasetId('scans', a, settings).slice(-10)).toBe(folderDatasetId('images', a, settings).slice(-10));
  });
});
