/**
 * Is this an ephemeral browser profile (a private / Incognito window, a fresh headless context)?
 * There everything the studio stores is gone when the window closes, so a run can only be resumed
 * while it stays open. Chromium refuses one IndexedDB value over 133,169,152 bytes only in such
 * profiles, and says so inside put() itself: one put of a byte more, aborted at once, tells which
 * without writing anything. Runs in a worker: serialising that value is slow (README, "Storage").
 */
import { unwrap } from 'idb';
import { openStudioDb } from './db';

const EPHEMERAL_VALUE_LIMIT = 133_169_152;

/** true: ephemeral; false: a normal profile (or a browser without that limit); null: could not tell. */
export async function isEphemeralProfile(): Promise<boolean | null> {
  try {
    const db = await openStudioDb();
    const tx = db.transaction('blobs', 'readwrite');
    // the refusal is an error event on the transaction: keep it from reaching the console
    tx.addEventListener('error', (e) => e.preventDefault());
    const request = unwrap(tx.objectStore('blobs')).put({ id: 'profile-probe', bytes: new Uint8Array(EPHEMERAL_VALUE_LIMIT + 1) });
    const refused = request.readyState === 'done' && request.error?.name === 'UnknownError';
    try {
      tx.abort();
    } catch {
      /* the refusal already aborted it */
    }
    await tx.done.catch(() => undefined);
    return refused;
  } catch {
    return null;
  }
}
