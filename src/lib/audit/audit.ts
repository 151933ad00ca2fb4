/** The dataset audit: near-duplicates, per-split summaries, DICOM attribute counts, shortcut and leakage warnings. */
import type { Split } from '../dataset/splits';
import { countAttributes } from './attributes';
import { findNearDuplicates, leakageMessage, NEAR_DUPLICATE_THRESHOLD } from './near-duplicates';
import { findShortcuts } from './shortcuts';
import type { AuditImage, DatasetAudit, SplitSummary } from './types';

const SPLITS: Split[] = ['train', 'val', 'test'];

export function summariseSplit(images: AuditImage[], split: Split, classCount: number): SplitSummary {
  const inSplit = images.filter((m) => m.split === split);
  const byClass = new Array<number>(classCount).fill(0);
  let unlabelled = 0;
  const perPatient = new Map<string, number>();
  for (const m of inSplit) {
    if (m.label >= 0 && m.label < classCount) byClass[m.label]++;
    else unlabelled++;
    perPatient.set(m.patientId, (perPatient.get(m.patientId) ?? 0) + 1);
  }
  const patients = perPatient.size;
  return {
    split,
    images: inSplit.length,
    byClass,
    unlabelled,
    patients,
    imagesPerPatient: { mean: patients > 0 ? inSplit.length / patients : 0, max: Math.max(0, ...perPatient.values()) },
  };
}

export function buildAudit(images: AuditImage[], classes: string[], threshold = NEAR_DUPLICATE_THRESHOLD): DatasetAudit {
  const near = findNearDuplicates(images, classes, threshold);
  return {
    version: 1,
    threshold,
    hashedImages: images.filter((m) => m.phash).length,
    nearDuplicates: { total: near.total, crossSplit: near.crossSplit, labelConflicts: near.labelConflicts, pairs: near.pairs },
    splits: SPLITS.map((s) => summariseSplit(images, s, classes.length)),
    attributes: countAttributes(images, classes.length),
    shortcuts: findShortcuts(images, classes),
    leakage: { bySplits: near.leaks, message: leakageMessage(near.leaks) },
  };
}
