/** What the dataset audit stores per image and per dataset (computed in the import workers). */

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

/** The audit of a dataset as stored with it (DatasetRecord.audit); lib/audit builds it. */
export interface DatasetAudit {
  /** filled in by lib/audit (issue 16) */
  [key: string]: unknown;
}
