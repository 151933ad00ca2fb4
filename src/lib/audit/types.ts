/** What the dataset audit stores per image and per dataset (computed in the import workers). */
import type { Split } from '../dataset/splits';

/** DICOM attributes the audit groups images by; absent where the file has none (PNG/JPEG, demo). */
export interface ImageTags {
  viewPosition?: string;
  modality?: string;
  manufacturer?: string;
  photometric?: string;
  bitsStored?: number;
  /** "row\\column" spacing in mm, as written in PixelSpacing (0028,0030) */
  pixelSpacing?: string;
  transferSyntax?: string;
}

/** What the audit reads of each stored image (ImageRecord has all of it). */
export interface AuditImage {
  id: string;
  sourcePath: string;
  /** class index, -1 when unlabelled */
  label: number;
  split: Split;
  patientId: string;
  contentHash: string;
  originalWidth: number;
  originalHeight: number;
  transferSyntax?: string;
  /** 16 hex digits; images without one (imported before the audit) are left out of the near-duplicate search */
  phash?: string;
  tags?: ImageTags;
}

export interface PairSide {
  id: string;
  path: string;
  split: Split;
  /** class name, null when unlabelled */
  label: string | null;
}

export interface NearDuplicatePair {
  a: PairSide;
  b: PairSide;
  /** Hamming distance of the perceptual hashes, 0–64 */
  distance: number;
  /** identical stored pixels */
  exact: boolean;
  crossSplit: boolean;
}

export interface SplitSummary {
  split: Split;
  images: number;
  /** per class, in DatasetRecord.classes order */
  byClass: number[];
  unlabelled: number;
  patients: number;
  imagesPerPatient: { mean: number; max: number };
}

/** The attributes the audit counts and checks for shortcuts, in the order the report shows them. */
export const AUDIT_ATTRIBUTES = ['viewPosition', 'modality', 'manufacturer', 'photometric', 'bitsStored', 'originalSize', 'pixelSpacing', 'transferSyntax'] as const;
export type AuditAttribute = (typeof AUDIT_ATTRIBUTES)[number];

export interface AttributeValueCount {
  value: string;
  count: number;
  /** per class, in DatasetRecord.classes order (unlabelled images only in count) */
  byClass: number[];
}

export interface AttributeCounts {
  attribute: AuditAttribute;
  /** how the report names it: "view position", "manufacturer" … */
  name: string;
  /** most frequent first */
  values: AttributeValueCount[];
  /** images without this attribute */
  missing: number;
}

export interface ShortcutWarning {
  attribute: AuditAttribute;
  /** Cramér's V between the attribute and the label, 0–1 */
  cramersV: number;
  /** each class with the value most of its images have, and that share */
  dominant: Array<{ className: string; value: string; share: number }>;
  message: string;
}

/** Near-duplicate pairs across two splits: possible leakage. */
export interface SplitLeak {
  splits: [Split, Split];
  pairs: number;
  /** of which with identical stored pixels */
  exact: number;
}

export interface DatasetAudit {
  version: 1;
  /** pairs at Hamming distance ≤ this are near-duplicates */
  threshold: number;
  /** images with a perceptual hash (all, unless imported before the audit existed) */
  hashedImages: number;
  nearDuplicates: {
    /** every pair found; `pairs` holds at most a capped number of them, cross-split ones and the closest first */
    total: number;
    crossSplit: number;
    /** pairs whose two images carry different labels */
    labelConflicts: number;
    pairs: NearDuplicatePair[];
  };
  splits: SplitSummary[];
  attributes: AttributeCounts[];
  shortcuts: ShortcutWarning[];
  leakage: { bySplits: SplitLeak[]; message: string | null };
}
