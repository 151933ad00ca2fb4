/** Dataset revisions: a parent's images with edits (relabel, exclude); the parent stays as imported. */

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
