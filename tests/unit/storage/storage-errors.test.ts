/** IndexedDB failures as the browsers report them (names and messages captured from Chromium 15x). */
import { describe, expect, it } from 'vitest';
import { describeStorageError } from '../../../src/lib/storage/storage-errors';

const dom = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('storage errors', () => {
  it('a value over the ephemeral-profile limit names both sizes and what to do', () => {
    const e = describeStorageError(dom('UnknownError', 'The serialized keys and/or value are too large (size=140000048 bytes, max=133169152 bytes).'));
    expect(e.code).toBe('storage-value-too-large');
    expect(e.message).toContain('140 MB');
    expect(e.message).toContain('at most 133 MB');
    expect(e.message).toMatch(/private \(Incognito\) windows/i);
    expect(e.message).toContain('Everything stored before is kept');
  });

  it('quota: QuotaExceededError and Chromium\'s disk-full IO error', () => {
    for (const err of [dom('QuotaExceededError', 'The quota has been exceeded.'), dom('UnknownError', 'Internal error: NO_SPACE')]) {
      const e = describeStorageError(err);
      expect(e.code).toBe('quota-exceeded');
      expect(e.message).toMatch(/quota is used up.*Delete a dataset or a run/);
    }
  });

  it('a closing connection asks for a reload and says resume works', () => {
    const e = describeStorageError(dom('InvalidStateError', "Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing."));
    expect(e.code).toBe('storage-closed');
    expect(e.message).toMatch(/Reload the page.*resumes from its last checkpoint/);
  });

  it('a window that blocks site data says so', () => {
    const e = describeStorageError(dom('InvalidStateError', 'A mutation operation was attempted on a database that did not allow mutations.'));
    expect(e.code).toBe('storage-unavailable');
  });

  it('anything else keeps the browser\'s words', () => {
    const e = describeStorageError(dom('DataError', 'Evaluating the object store key path did not yield a value.'));
    expect(e.code).toBe('storage-failed');
    expect(e.message).toBe('IndexedDB failed: DataError: Evaluating the object store key path did not yield a value.. Everything stored before is kept.');
  });
});
