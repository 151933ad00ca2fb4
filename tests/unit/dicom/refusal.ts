import { expect } from 'vitest';
import { StudioError, type StudioErrorCode } from '../../../src/lib/errors';
import { renderImageFile } from '../../../src/lib/dicom';

/** The StudioError that rendering `bytes` rejects with. */
export async function refusal(bytes: Uint8Array, name = 'test.dcm'): Promise<StudioError> {
  const error = await renderImageFile(bytes, name).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StudioError);
  return error as StudioError;
}

/** Rendering `bytes` is refused with `code`, a message matching `message`, and the file named. */
export async function expectRefused(bytes: Uint8Array, code: StudioErrorCode, message: RegExp) {
  const error = await refusal(bytes);
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).toContain('test.dcm');
}
