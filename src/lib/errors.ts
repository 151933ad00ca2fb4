/**
 * Every failure the studio reports to a person is a StudioError with a stable code.
 * The UI shows `message`; tests and the import report key on `code`.
 */
export type StudioErrorCode =
  // import: one file
  | 'empty-file'
  | 'not-dicom'
  | 'no-pixel-data'
  | 'unsupported-transfer-syntax'
  | 'unsupported-photometric'
  | 'truncated'
  | 'pixel-data-too-short'
  | 'corrupt-compressed-stream'
  | 'absurd-dimensions'
  | 'inflated-too-large'
  | 'bad-bit-layout'
  | 'bad-rescale'
  | 'decode-failed'
  // datasets, labels, storage
  | 'bad-labels'
  | 'empty-dataset'
  | 'dataset-deleted'
  | 'quota-exceeded'
  | 'storage-value-too-large'
  | 'storage-closed'
  | 'storage-unavailable'
  | 'storage-corrupt'
  | 'storage-failed'
  // model, weights, training
  | 'bad-weights'
  | 'demo-model-missing'
  | 'no-gpu'
  | 'device-lost'
  | 'gpu-error'
  | 'out-of-memory'
  | 'cancelled'
  | 'bad-config'
  | 'internal';

export class StudioError extends Error {
  readonly code: StudioErrorCode;
  constructor(code: StudioErrorCode, message: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
  }
}

/** Plain-data form that crosses worker boundaries (structured clone drops Error subclasses). */
export interface StudioErrorData {
  code: StudioErrorCode;
  message: string;
}

export function toErrorData(e: unknown): StudioErrorData {
  if (e instanceof StudioError) return { code: e.code, message: e.message };
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const { code, message } = e as StudioErrorData;
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}
