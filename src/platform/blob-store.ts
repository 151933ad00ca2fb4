/**
 * Large bytes in IndexedDB as chunked records (lib/storage/chunks.ts), written inside the caller's
 * transaction so that a checkpoint and its chunks are stored together or not at all.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import { chunkKey, chunkKeyRange, joinBlob, splitBlob, type BlobRef } from '../lib/storage/chunks';
import { storageError, type StudioSchema } from './db';

type BlobTx = IDBPTransaction<StudioSchema, ArrayLike<StoreNames<StudioSchema>>, 'readwrite' | 'readonly'>;
type WriteTx = IDBPTransaction<StudioSchema, ArrayLike<StoreNames<StudioSchema>>, 'readwrite'>;

export interface PreparedBlob {
  ref: BlobRef;
  chunks: Uint8Array[];
}

/** Chunk and hash before the transaction opens (an await inside it would let it commit early). */
export function prepareBlob(key: string, bytes: Uint8Array): Promise<PreparedBlob> {
  return splitBlob(key, bytes);
}

/** Queue the chunk writes in `tx` (which must include 'blobs'); returns the requests to settle. */
export function putBlob(tx: WriteTx, blob: PreparedBlob): Promise<unknown>[] {
  const store = tx.objectStore('blobs');
  // a blob rewritten under the same key may have had more chunks before
  const requests: Promise<unknown>[] = [store.delete(IDBKeyRange.bound(...chunkKeyRange(`${blob.ref.key}#`)))];
  blob.chunks.forEach((bytes, i) => requests.push(store.put({ id: chunkKey(blob.ref.key, i), bytes })));
  return requests;
}

export function deleteBlobs(tx: WriteTx, keyPrefix: string): Promise<unknown> {
  return tx.objectStore('blobs').delete(IDBKeyRange.bound(...chunkKeyRange(keyPrefix)));
}

/** The chunks of `ref` as stored (join and verify them after the transaction with `joinStoredBlob`). */
export async function getBlobChunks(tx: BlobTx, ref: BlobRef): Promise<Array<Uint8Array | undefined>> {
  if (ref.chunkCount === 0) return [];
  const rows = await tx.objectStore('blobs').getAll(IDBKeyRange.bound(chunkKey(ref.key, 0), chunkKey(ref.key, ref.chunkCount - 1)));
  return rows.map((r) => r.bytes);
}

/** Bytes of a record field: inline (DB version 2) or a chunked blob, verified. */
export async function readStoredBytes(tx: BlobTx, stored: BlobRef | Uint8Array, what: string): Promise<() => Promise<Uint8Array>> {
  if (stored instanceof Uint8Array) return async () => stored;
  const chunks = await getBlobChunks(tx, stored);
  return () => joinBlob(stored, chunks, what);
}

/**
 * Wait for a write transaction and report why it failed. The reason (e.g. "value too large") is on
 * the transaction or on the request that failed, while the others only say "AbortError". Chromium
 * can fire a request's error event inside put() itself, before idb listens, so that request's
 * promise never settles: only the transaction is awaited.
 */
export async function settle(tx: WriteTx, requests: Promise<unknown>[]): Promise<void> {
  const requestErrors: unknown[] = [];
  for (const r of requests) r.catch((e: unknown) => requestErrors.push(e));
  try {
    await tx.done;
  } catch (e) {
    const informative = [tx.error, ...requestErrors, e].find((x) => x && (x as { name?: string }).name !== 'AbortError');
    throw storageError(informative ?? e);
  }
}
