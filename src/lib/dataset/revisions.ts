/** Dataset revisions: a parent's images with edits (relabel, exclude); the parent stays as imported. */
import { toCsv } from './csv';
import type { Split } from './splits';
import { EMPTY_SUMS, meanStd, mergeSums, type PixelSums } from './stats';

export type RevisionEdit =
  | { kind: 'relabel'; imageId: string; sourcePath: string; from: number; to: number }
  | { kind: 'exclude'; imageId: string; sourcePath: string; reason: string };

/** set on a revision's DatasetRecord: its images are the parent's, with `edits` applied */
export interface RevisionInfo {
  /** the imported dataset every revision hangs off (never another revision) */
  parentId: string;
  /** 1, 2, … in order of creation under the parent */
  number: number;
  /** every edit relative to the parent (a revision of a revision carries its base's edits too) */
  edits: RevisionEdit[];
}

/** What a revision does to one image. */
export type ImageFate = { kind: 'original' } | { kind: 'relabel'; to: number } | { kind: 'exclude'; reason: string };

/** One image whose fate differs between two revisions (or a revision and its parent: no edits). */
export interface ImageChange {
  imageId: string;
  sourcePath: string;
  before: ImageFate;
  after: ImageFate;
}

/** The parent's images with `edits` applied: relabelled ones carry the new label, excluded ones are left out. */
export function applyRevision<T extends { id: string; label: number }>(metas: readonly T[], edits: readonly RevisionEdit[]): T[] {
  const byImage = new Map(edits.map((e) => [e.imageId, e]));
  const out: T[] = [];
  for (const m of metas) {
    const edit = byImage.get(m.id);
    if (!edit) out.push(m);
    else if (edit.kind === 'relabel') out.push({ ...m, label: edit.to });
  }
  return out;
}

/**
 * `base` with `added` on top, one edit per image: a later edit of an image replaces the earlier; a relabel keeps the
 * parent's label as `from`, and one back to it removes the edit.
 */
export function mergeEdits(base: readonly RevisionEdit[], added: readonly RevisionEdit[]): RevisionEdit[] {
  const byImage = new Map(base.map((e) => [e.imageId, e]));
  for (const edit of added) {
    const earlier = byImage.get(edit.imageId);
    byImage.delete(edit.imageId);
    if (edit.kind === 'exclude') {
      byImage.set(edit.imageId, edit);
      continue;
    }
    const from = earlier?.kind === 'relabel' ? earlier.from : edit.from;
    if (edit.to !== from) byImage.set(edit.imageId, { ...edit, from });
  }
  return [...byImage.values()].sort((a, b) => compare(a.sourcePath, b.sourcePath));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fateOf(edit: RevisionEdit | undefined): ImageFate {
  if (!edit) return { kind: 'original' };
  return edit.kind === 'relabel' ? { kind: 'relabel', to: edit.to } : { kind: 'exclude', reason: edit.reason };
}

function sameFate(a: ImageFate, b: ImageFate): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The images whose fate differs from revision `a` to `b` (edits of one parent; [] for the parent itself), by source path. */
export function diffRevisions(a: readonly RevisionEdit[], b: readonly RevisionEdit[]): ImageChange[] {
  const before = new Map(a.map((e) => [e.imageId, e]));
  const after = new Map(b.map((e) => [e.imageId, e]));
  const changes: ImageChange[] = [];
  for (const imageId of new Set([...before.keys(), ...after.keys()])) {
    const edit = (after.get(imageId) ?? before.get(imageId))!;
    const change = { imageId, sourcePath: edit.sourcePath, before: fateOf(before.get(imageId)), after: fateOf(after.get(imageId)) };
    if (!sameFate(change.before, change.after)) changes.push(change);
  }
  return changes.sort((x, y) => compare(x.sourcePath, y.sourcePath));
}

/** "as imported", "labelled pneumonia", "excluded (blurred)" */
export function describeFate(fate: ImageFate, classes: readonly string[]): string {
  if (fate.kind === 'original') return 'as imported';
  return fate.kind === 'relabel' ? `labelled ${classes[fate.to] ?? fate.to}` : `excluded (${fate.reason})`;
}

/** The edits as CSV rows: source path, image id, edit, from and to (class names), reason. */
export function editsCsv(edits: readonly RevisionEdit[], classes: readonly string[]): string {
  const name = (k: number) => classes[k] ?? String(k);
  const rows = edits.map((e) => (e.kind === 'relabel' ? [e.sourcePath, e.imageId, 'relabel', name(e.from), name(e.to), ''] : [e.sourcePath, e.imageId, 'exclude', '', '', e.reason]));
  return toCsv([['source_path', 'image_id', 'edit', 'from', 'to', 'reason'], ...rows]);
}

/** Mean and std of the training split of a revision's images (excluded ones are not in `metas`), from per-image sums. */
export function revisionStats(metas: ReadonlyArray<{ split: Split; sums: PixelSums }>): { mean: number; std: number; trainSums: PixelSums } {
  let trainSums = EMPTY_SUMS;
  for (const m of metas) if (m.split === 'train') trainSums = mergeSums(trainSums, m.sums);
  return { ...meanStd(trainSums), trainSums };
}

/** The number the next revision of a parent gets: one past the highest so far. */
export function nextRevisionNumber(existing: ReadonlyArray<{ revision?: RevisionInfo }>, parentId: string): number {
  return Math.max(0, ...existing.map((d) => (d.revision?.parentId === parentId ? d.revision.number : 0))) + 1;
}

/** "<parent name> · revision N" */
export function revisionName(parentName: string, number: number): string {
  return `${parentName} · revision ${number}`;
}
