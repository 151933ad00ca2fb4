/**
 * The audit as downloads: JSON (the stored audit with the dataset's name and classes), a CSV of the near-duplicate
 * pairs (one row each) and a CSV of the tables in long form (table, row, column, value: per-split counts, attribute
 * counts, shortcut and leakage findings), so each opens in a spreadsheet or reads with one pandas call.
 */
import { toCsv } from '../dataset/csv';
import type { DatasetAudit } from './types';

export function auditJson(audit: DatasetAudit, dataset: { id: string; name: string; classes: string[] }): string {
  return JSON.stringify({ dataset: { id: dataset.id, name: dataset.name, classes: dataset.classes }, ...audit }, null, 1);
}

export function auditPairsCsv(audit: DatasetAudit): string {
  const header = ['distance', 'exact', 'cross_split', 'a_path', 'a_split', 'a_label', 'b_path', 'b_split', 'b_label', 'a_id', 'b_id'];
  const rows = audit.nearDuplicates.pairs.map((p) => [
    p.distance,
    p.exact ? 1 : 0,
    p.crossSplit ? 1 : 0,
    p.a.path,
    p.a.split,
    p.a.label ?? '',
    p.b.path,
    p.b.split,
    p.b.label ?? '',
    p.a.id,
    p.b.id,
  ]);
  return toCsv([header, ...rows]);
}

export function auditTablesCsv(audit: DatasetAudit, classes: string[]): string {
  const rows: Array<[string, string, string, string | number]> = [];
  const nd = audit.nearDuplicates;
  rows.push(['near-duplicates', 'all', 'threshold', audit.threshold], ['near-duplicates', 'all', 'pairs', nd.total]);
  rows.push(['near-duplicates', 'all', 'cross_split', nd.crossSplit], ['near-duplicates', 'all', 'label_conflicts', nd.labelConflicts]);
  rows.push(['near-duplicates', 'all', 'stored_pairs', nd.pairs.length], ['near-duplicates', 'all', 'hashed_images', audit.hashedImages]);
  for (const s of audit.splits) {
    rows.push(['split', s.split, 'images', s.images], ['split', s.split, 'patients', s.patients], ['split', s.split, 'unlabelled', s.unlabelled]);
    rows.push(['split', s.split, 'images_per_patient_mean', Number(s.imagesPerPatient.mean.toFixed(3))], ['split', s.split, 'images_per_patient_max', s.imagesPerPatient.max]);
    s.byClass.forEach((n, c) => rows.push(['split', s.split, classes[c], n]));
  }
  for (const a of audit.attributes) {
    for (const v of a.values) {
      rows.push([`attribute:${a.attribute}`, v.value, 'images', v.count]);
      v.byClass.forEach((n, c) => rows.push([`attribute:${a.attribute}`, v.value, classes[c], n]));
    }
    rows.push([`attribute:${a.attribute}`, '(missing)', 'images', a.missing]);
  }
  for (const w of audit.shortcuts) {
    rows.push(['shortcut', w.attribute, 'cramers_v', Number(w.cramersV.toFixed(4))], ['shortcut', w.attribute, 'message', w.message]);
  }
  for (const l of audit.leakage.bySplits) {
    rows.push(['leakage', `${l.splits[0]}|${l.splits[1]}`, 'pairs', l.pairs], ['leakage', `${l.splits[0]}|${l.splits[1]}`, 'exact', l.exact]);
  }
  return toCsv([['table', 'row', 'column', 'value'], ...rows]);
}
