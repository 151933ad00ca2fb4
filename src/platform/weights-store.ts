/** Imported .pth / .safetensors files kept in IndexedDB for later runs, as chunked blobs. */
import { prepareBlob, putBlob, readStoredBytes, settle } from './blob-store';
import { openStudioDb, storageError, weightsBlobKey } from './db';

export async function storeWeights(name: string, bytes: Uint8Array): Promise<void> {
  const blob = await prepareBlob(weightsBlobKey(name), bytes);
  try {
    const db = await openStudioDb();
    const tx = db.transaction(['weights', 'blobs'], 'readwrite');
    await settle(tx, [...putBlob(tx, blob), tx.objectStore('weights').put({ name, importedAt: Date.now(), bytes: blob.ref })]);
  } catch (e) {
    throw storageError(e);
  }
}

/** The stored file's bytes, verified; undefined when no file of that name is stored. */
export async function loadWeights(name: string): Promise<Uint8Array | undefined> {
  let join;
  try {
    const db = await openStudioDb();
    const tx = db.transaction(['weights', 'blobs'], 'readonly');
    const record = await tx.objectStore('weights').get(name);
    if (!record) return undefined;
    join = await readStoredBytes(tx, record.bytes, `weights file "${name}"`);
  } catch (e) {
    throw storageError(e);
  }
  return join();
}
