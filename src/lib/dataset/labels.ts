/** Class labels from folder names or a label CSV (RSNA Pneumonia Detection format or generic). */
import { StudioError } from '../errors';
import { parseCsv } from './csv';
import { compareText } from './order';
import { isSplitFolder, pathSegments } from './splits';

/**
 * The class folder: the folder directly containing the file, after removing `root` (a path prefix)
 * if given. Null when the file sits directly in the root or directly in a split folder (train/x.dcm).
 */
export function labelFromPath(path: string, root?: string): string | null {
  let segments = pathSegments(path);
  if (root !== undefined) {
    const rootSegments = pathSegments(root);
    if (rootSegments.every((s, i) => segments[i] === s)) segments = segments.slice(rootSegments.length);
  }
  if (segments.length < 2) return null;
  const folder = segments[segments.length - 2];
  return isSplitFolder(folder) ? null : folder;
}

export interface LabelTable {
  kind: 'rsna' | 'generic';
  keyColumn: string;
  labelColumn: string;
  /** key (as written in the CSV, trimmed) → label */
  labels: Map<string, string>;
}

/** Header name → comparable form: lower case, no spaces, underscores or hyphens. */
function canonicalColumn(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '');
}

/** In order of preference: a file-like key identifies one image; a patient ID may cover several. */
const KEY_COLUMNS = ['file', 'filename', 'filepath', 'path', 'image', 'imagename', 'imageid', 'imageindex', 'sopinstanceuid', 'patientid'];
const LABEL_COLUMNS = ['label', 'class', 'classname', 'target', 'diagnosis'];
const RSNA_COLUMNS = ['patientid', 'x', 'y', 'width', 'height', 'target'];

function findColumn(header: string[], candidates: string[]): number {
  const canonical = header.map(canonicalColumn);
  for (const name of candidates) {
    const index = canonical.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

function parseRsna(rows: string[][], header: string[]): LabelTable {
  const keyIndex = findColumn(header, ['patientid']);
  const targetIndex = findColumn(header, ['target']);
  const labels = new Map<string, string>();
  rows.forEach((row, r) => {
    const patientId = (row[keyIndex] ?? '').trim();
    const target = (row[targetIndex] ?? '').trim();
    if (!patientId) throw new StudioError('bad-labels', `RSNA label row ${r + 2} has no patientId.`);
    if (target !== '0' && target !== '1') {
      throw new StudioError('bad-labels', `RSNA label row ${r + 2} (patient ${patientId}) has Target "${target}"; expected 0 or 1.`);
    }
    // Several rows per patient (one per box): positive if any row says Target = 1.
    if (labels.get(patientId) !== '1') labels.set(patientId, target);
  });
  return { kind: 'rsna', keyColumn: header[keyIndex].trim(), labelColumn: header[targetIndex].trim(), labels };
}

function parseGeneric(rows: string[][], header: string[]): LabelTable {
  let keyIndex = findColumn(header, KEY_COLUMNS);
  let labelIndex = findColumn(header, LABEL_COLUMNS);
  if (header.length < 2) throw new StudioError('bad-labels', 'The label CSV needs at least two columns: a file or patient key and a label.');
  // A column not recognised by name falls back to the first column not already taken.
  if (keyIndex < 0) keyIndex = labelIndex === 0 ? 1 : 0;
  if (labelIndex < 0) labelIndex = keyIndex === 0 ? 1 : 0;
  const labels = new Map<string, string>();
  const firstRow = new Map<string, number>();
  rows.forEach((row, r) => {
    const key = (row[keyIndex] ?? '').trim();
    const label = (row[labelIndex] ?? '').trim();
    if (!key && !label) return;
    if (!key) throw new StudioError('bad-labels', `Label CSV row ${r + 2} has a label but no ${header[keyIndex].trim()}.`);
    if (!label) throw new StudioError('bad-labels', `Label CSV row ${r + 2} (${key}) has no ${header[labelIndex].trim()}.`);
    const previous = labels.get(key);
    if (previous !== undefined && previous !== label) {
      throw new StudioError('bad-labels', `"${key}" is labelled "${previous}" on row ${firstRow.get(key)! + 2} and "${label}" on row ${r + 2}.`);
    }
    labels.set(key, label);
    if (!firstRow.has(key)) firstRow.set(key, r);
  });
  return { kind: 'generic', keyColumn: header[keyIndex].trim(), labelColumn: header[labelIndex].trim(), labels };
}

/**
 * RSNA format is recognised by its columns (patientId, x, y, width, height, Target). Otherwise the key
 * column is the first of file/filename/filepath/path/image…/SOPInstanceUID/patientId and the label
 * column the first of label/class/target/diagnosis (names compared case-, space-, _- and --blind);
 * without both, the first two columns.
 */
export function parseLabelCsv(text: string): LabelTable {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new StudioError('bad-labels', 'The label CSV is empty.');
  if (rows.length === 0) throw new StudioError('bad-labels', 'The label CSV has a header but no rows.');
  const canonical = header.map(canonicalColumn);
  const table = RSNA_COLUMNS.every((c) => canonical.includes(c)) ? parseRsna(rows, header) : parseGeneric(rows, header);
  if (table.labels.size === 0) throw new StudioError('bad-labels', 'The label CSV has no labelled rows.');
  return table;
}

/** Lookup form of a key: "/" separators, lower case (file systems and exports disagree on case). */
function normaliseKey(key: string): string {
  return pathSegments(key.trim()).join('/').toLowerCase();
}

/** Drop a file extension that contains a letter (.dcm, .png) but never a UID's numeric tail (1.2.840.5). */
function withoutExtension(name: string): string {
  const match = /^(.+)\.([a-z0-9]{1,5})$/i.exec(name);
  return match && /[a-z]/i.test(match[2]) ? match[1] : name;
}

const AMBIGUOUS = Symbol('ambiguous');
type KeyIndex = Map<string, string | typeof AMBIGUOUS>;
const indexes = new WeakMap<LabelTable, KeyIndex>();

/** Every table key under its full path, file name, and both without extension; conflicting entries are ambiguous. */
function keyIndex(table: LabelTable): KeyIndex {
  const cached = indexes.get(table);
  if (cached) return cached;
  const built: KeyIndex = new Map();
  for (const [key, label] of table.labels) {
    const full = normaliseKey(key);
    const name = full.slice(full.lastIndexOf('/') + 1);
    for (const form of new Set([full, withoutExtension(full), name, withoutExtension(name)])) {
      const existing = built.get(form);
      built.set(form, existing === undefined || existing === label ? label : AMBIGUOUS);
    }
  }
  indexes.set(table, built);
  return built;
}

/**
 * The label for one file: tried by its path, its file name (each with and without extension), then
 * its SOPInstanceUID, then its PatientID. Null if nothing matches unambiguously.
 */
export function lookupLabel(table: LabelTable, keys: { path: string; patientId?: string; sopInstanceUid?: string }): string | null {
  const index = keyIndex(table);
  const full = normaliseKey(keys.path);
  const name = full.slice(full.lastIndexOf('/') + 1);
  const candidates = [full, withoutExtension(full), name, withoutExtension(name), keys.sopInstanceUid, keys.patientId];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const label = index.get(normaliseKey(candidate));
    if (typeof label === 'string') return label;
  }
  return null;
}

const NEGATIVE_NAMES = new Set(['normal', 'negative', '0', 'false', 'healthy', 'no', 'none', 'nofinding', 'benign']);

function looksNegative(label: string): boolean {
  return NEGATIVE_NAMES.has(canonicalColumn(label));
}

/**
 * Class order for training: sorted; with exactly two classes a negative-looking one
 * (normal/negative/0/false/healthy/no finding…) takes index 0 so the model's output is P(abnormal).
 */
export function classIndex(labels: string[]): { classes: string[]; indexOf: Map<string, number> } {
  const classes = [...new Set(labels)].sort(compareText);
  if (classes.length === 2 && looksNegative(classes[1]) && !looksNegative(classes[0])) classes.reverse();
  return { classes, indexOf: new Map(classes.map((c, i) => [c, i])) };
}
