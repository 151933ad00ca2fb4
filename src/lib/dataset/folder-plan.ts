/**
 * What a picked folder imports as, decided before anything is read or written: its label table (a CSV at the top),
 * its classes, its image files with their forced splits, and the dataset id, derived from the folder's identity
 * (every file's path, size and modification time) and the settings that change the stored pixels, not its name.
 */
import { contentHash } from '../hash';
import { classIndex, labelFromPath, parseLabelCsv, type LabelTable } from './labels';
import { splitFromPath, type Split } from './splits';

export interface ListedFile {
  /** path relative to the picked folder, "/"-separated */
  path: string;
  size: number;
  /** ms since the epoch; 0 when unknown */
  lastModified: number;
}

export interface FolderSettings {
  size: number;
  fit: 'stretch' | 'letterbox';
  /** 8-bit grey JPEG decoded at a DCT scale (other pixels than a full decode: part of the identity) */
  scaledDecode?: boolean;
}

export interface FolderPlan {
  datasetId: string;
  classes: string[];
  table: LabelTable | null;
  /** the image files, as indices into the listing, with the split their train/ val/ test/ folder forces */
  images: Array<{ index: number; path: string; splitHint: Split | null }>;
}

/** RSNA's Target 0/1, shown under names a person reads; 'pneumonia' stays class index 1 (see classIndex). */
const RSNA_CLASS_NAMES: Record<string, string> = { '0': 'normal', '1': 'pneumonia' };

function withRsnaNames(table: LabelTable): LabelTable {
  if (table.kind !== 'rsna') return table;
  return { ...table, labels: new Map([...table.labels].map(([key, target]) => [key, RSNA_CLASS_NAMES[target] ?? target])) };
}

/** The label table of a folder: a .csv directly in it (the first, by listing order); -1 when there is none. */
export function labelCsvIndex(files: ListedFile[]): number {
  return files.findIndex((f) => /\.csv$/i.test(f.path) && !f.path.includes('/'));
}

/** A short stable fingerprint of the listing (order-independent) and the settings. */
export function folderFingerprint(files: ListedFile[], settings: FolderSettings): string {
  const lines = files.map((f) => `${f.path}\t${f.size}\t${f.lastModified}`).sort();
  lines.push(`size=${settings.size}\tfit=${settings.fit}${settings.scaledDecode ? '\tscaled' : ''}`);
  return contentHash(new TextEncoder().encode(lines.join('\n'))).slice(-10);
}

export function folderDatasetId(name: string, files: ListedFile[], settings: FolderSettings): string {
  return `folder-${name}-${settings.size}px-${folderFingerprint(files, settings)}`;
}

/** The plan of a folder import; `csvText` is the text of the file at labelCsvIndex (null when there is none). Throws bad-labels. */
export function planFolderImport(name: string, files: ListedFile[], csvText: string | null, settings: FolderSettings): FolderPlan {
  const csvIndex = csvText === null ? -1 : labelCsvIndex(files);
  const table = csvIndex >= 0 ? withRsnaNames(parseLabelCsv(csvText!)) : null;
  const images = files.flatMap((f, index) => (index === csvIndex ? [] : [{ index, path: f.path, splitHint: splitFromPath(f.path) }]));
  const names = table ? [...new Set(table.labels.values())] : [...new Set(images.map((f) => labelFromPath(f.path)).filter((l): l is string => l !== null))];
  return { datasetId: folderDatasetId(name, files, settings), classes: classIndex(names).classes, table, images };
}
