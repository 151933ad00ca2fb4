import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkKey, chunkKeyRange, joinBlob, MAX_CHUNK_BYTES, splitBlob } from '../../../src/lib/storage/chunks';
import { StudioError } from '../../../src/lib/errors';

const bytesOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 255);

describe('chunked blobs', () => {
  it('splits into copies of at most the chunk size and joins back to the same bytes', async () => {
    const bytes = bytesOf(10_007);
    const { ref, chunks } = await splitBlob('k', bytes, 4096);
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1815]);
    // copies, not views: structured clone of a view would store the whole buffer in every record
    expect(chunks.every((c) => c.byteOffset === 0 && c.buffer.byteLength === c.length)).toBe(true);
    expect(ref).toEqual({ key: 'k', byteLength: 10_007, chunkCount: 3, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(await joinBlob(ref, chunks, 'test blob')).toEqual(bytes);
  });

  it('an empty blob has no chunks and joins to zero bytes', async () => {
    const { ref, chunks } = await splitBlob('e', new Uint8Array(0));
    expect(ref.chunkCount).toBe(0);
    expect((await joinBlob(ref, chunks, 'empty')).length).toBe(0);
  });

  it('keeps every chunk of a full-width checkpoint under the ephemeral-profile value limit', async () => {
    expect(MAX_CHUNK_BYTES).toBeLessThan(133_169_152 / 2);
    const { chunks } = await splitBlob('ckpt', new Uint8Array(135_000_000));
    expect(chunks.length).toBe(Math.ceil(135_000_000 / MAX_CHUNK_BYTES));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
  });

  it('refuses a missing chunk, a wrong size and a changed byte with storage-corrupt', async () => {
    const bytes = bytesOf(9000);
    const { ref, chunks } = await splitBlob('k', bytes, 4096);
    const reasons: string[] = [];
    for (const bad of [[chunks[0], undefined, chunks[2]], chunks.slice(0, 2), [chunks[0], chunks[1], chunks[2].slice(1)], [chunks[0], chunks[1], chunks[2].map((b, i) => (i === 5 ? b ^ 1 : b))]]) {
      const e = await joinBlob(ref, bad, 'checkpoint of epoch 3 (weights)').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StudioError);
      expect((e as StudioError).code).toBe('storage-corrupt');
      reasons.push((e as StudioError).message);
    }
    expect(reasons[0]).toContain('2 of 3 parts found');
    expect(reasons[1]).toContain('2 of 3 parts found');
    expect(reasons[2]).toContain('8999 bytes instead of 9000');
    expect(reasons[3]).toContain('checksum does not match');
    expect(reasons[3]).toContain('checkpoint of epoch 3 (weights)');
  });

  it('chunk keys sort by index and fall inside their prefix range only', () => {
    const keys = [chunkKey('a|1', 10), chunkKey('a|1', 2), chunkKey('a|1', 0)].sort();
    expect(keys).toEqual(['a|1#0000', 'a|1#0002', 'a|1#0010']);
    const [lo, hi] = chunkKeyRange('a|1#');
    expect(keys.every((k) => k >= lo && k <= hi)).toBe(true);
    expect(chunkKey('a|10', 0) >= lo && chunkKey('a|10', 0) <= hi).toBe(false);
  });
});
