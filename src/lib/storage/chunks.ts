/**
 * Large byte blobs (checkpoints, optimizer moments, imported weights) are stored as several records
 * of at most MAX_CHUNK_BYTES: Chromium refuses any single IndexedDB value over 133,169,152 bytes in
 * an ephemeral profile (private window, every fresh headless context), and a full-width ResNet-18
 * checkpoint with Adam's moments is ~135 MB. A BlobRef names the chunks and pins their total size
 * and SHA-256, so a read either returns the very bytes written or fails with a reason.
 */
import { StudioError } from '../errors';

export const MAX_CHUNK_BYTES = 32 * 1024 * 1024;

export interface BlobRef {
  /** prefix of the chunk keys: `${key}#0000`, `${key}#0001`, … */
  key: string;
  byteLength: number;
  chunkCount: number;
  /** hex SHA-256 of the whole blob */
  sha256: string;
}

export function chunkKey(key: string, index: number): string {
  return `${key}#${String(index).padStart(4, '0')}`;
}

/** Every chunk key of blobs whose key starts with `prefix` sorts between these two bounds. */
export function chunkKeyRange(prefix: string): [string, string] {
  return [prefix, `${prefix}\uffff`];
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The chunks to store for `bytes` under `key`. Each chunk is a copy: structured clone of a
 * subarray view would serialise the whole underlying buffer into every record.
 */
export async function splitBlob(key: string, bytes: Uint8Array, maxChunk = MAX_CHUNK_BYTES): Promise<{ ref: BlobRef; chunks: Uint8Array[] }> {
  if (!(maxChunk > 0)) throw new StudioError('internal', `Chunk size must be positive, got ${maxChunk}.`);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += maxChunk) chunks.push(bytes.slice(start, start + maxChunk));
  return { ref: { key, byteLength: bytes.length, chunkCount: chunks.length, sha256: await sha256Hex(bytes) }, chunks };
}

/** Joins chunks read back for `ref`; a missing chunk, a wrong size or a wrong hash is a storage failure. */
export async function joinBlob(ref: BlobRef, chunks: Array<Uint8Array | undefined>, what: string): Promise<Uint8Array> {
  const fail = (why: string) => new StudioError('storage-corrupt', `The stored ${what} is damaged (${why}); it cannot be used. Delete it, or train / import again.`);
  if (chunks.length !== ref.chunkCount || chunks.some((c) => !c)) {
    throw fail(`${chunks.filter(Boolean).length} of ${ref.chunkCount} parts found`);
  }
  const total = chunks.reduce((n, c) => n + c!.length, 0);
  if (total !== ref.byteLength) throw fail(`${total} bytes instead of ${ref.byteLength}`);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c!, offset);
    offset += c!.length;
  }
  if ((await sha256Hex(out)) !== ref.sha256) throw fail('its checksum does not match what was written');
  return out;
}
