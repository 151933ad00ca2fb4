/**
 * What IndexedDB failures mean for a person, by the DOMException name and message browsers give.
 * Pure: the platform passes the caught error in; each outcome says what to do and that nothing
 * already stored is lost (a failed transaction writes nothing).
 */
import { StudioError } from '../errors';

const KEPT = 'Everything stored before is kept.';

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

export function describeStorageError(error: unknown): StudioError {
  if (error instanceof StudioError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const text = error instanceof Error || (error && typeof error === 'object' && 'message' in error) ? String((error as { message: unknown }).message) : String(error);

  // Chromium, ephemeral profile: "The serialized keys and/or value are too large (size=140000048 bytes, max=133169152 bytes)."
  const tooLarge = /value[s]? (are|is) too large|serialized .*too large/i.exec(text);
  if (tooLarge) {
    const size = /size=(\d+)/.exec(text);
    const max = /max=(\d+)/.exec(text);
    const sizes = size && max ? ` of ${MB(Number(size[1]))} (this browser profile accepts at most ${MB(Number(max[1]))} in one record)` : '';
    return new StudioError(
      'storage-value-too-large',
      `The browser refused to store a record${sizes}. Private (Incognito) windows and fresh headless profiles have this limit. ${KEPT} Use a normal window, or a narrower model (width ×0.5 or less).`,
    );
  }
  // Chromium reports a full disk as an IO error that closes the connection, not as QuotaExceededError
  if (name === 'QuotaExceededError' || /NO_SPACE|quota|disk (is )?full/i.test(text)) {
    return new StudioError(
      'quota-exceeded',
      `The browser refused to store more data: this site's storage quota is used up (private windows allow much less than normal ones). ${KEPT} Delete a dataset or a run, or free disk space, then try again.`,
    );
  }
  if (/connection (is|was) clos|database .*closed|connection.*lost/i.test(text)) {
    return new StudioError(
      'storage-closed',
      `The browser closed the studio's database (site data cleared, another tab upgraded it, or the browser is shutting down). ${KEPT} Reload the page; an interrupted run resumes from its last checkpoint.`,
    );
  }
  // Firefox's private mode before version 115, and privacy settings that block site data
  if (/did not allow mutations|indexedDB is (not )?(available|defined)|access to the IndexedDB API is denied/i.test(text) || name === 'SecurityError') {
    return new StudioError(
      'storage-unavailable',
      'This window does not let the studio store data (site data is blocked: some private modes and strict privacy settings do this). Open the studio in a normal window, or allow site data for it.',
    );
  }
  return new StudioError('storage-failed', `IndexedDB failed: ${name && !text.includes(name) ? `${name}: ` : ''}${text}. ${KEPT}`);
}
