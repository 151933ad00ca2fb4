/**
 * Test page for the studio's IndexedDB layer (checkpoint-store, weights-store, blob-store) in the
 * browser context Playwright opens, which is ephemeral like a private window. Exposed as `window.lab`.
 */
import { loadNewestCheckpoint, saveCheckpoint } from '../../../src/platform/checkpoint-store';
import { loadWeights, storeWeights } from '../../../src/platform/weights-store';
import { settle } from '../../../src/platform/blob-store';
import { openStudioDb, type RunRecord } from '../../../src/platform/db';
import { sha256Hex } from '../../../src/lib/storage/chunks';
import { toErrorData } from '../../../src/lib/errors';
import { RECIPE } from '../../../src/lib/train/config';
import type { EpochRecord } from '../../../src/lib/train/trainer';

const epochRecord = (epoch: number): EpochRecord => ({
  epoch, trainLoss: 1, valLoss: 1 / epoch, valAccuracy: 0, valAuc: 0.5, valF1: 0, seconds: 1, imagesPerSecond: 1, numTensors: 0, microBatches: 1, stepLosses: [],
});

/** Deterministic, incompressible-looking bytes (xorshift), so sizes on disk are real sizes. */
function patterned(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  const words = new Uint32Array(out.buffer, 0, Math.floor(n / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return out;
}

const run = (id: string): RunRecord => ({ id, datasetId: 'lab', createdAt: Date.now(), status: 'running', config: { ...RECIPE, monitor: 'loss' }, history: [] });

/** Save a checkpoint of `weightsBytes` + `optimizerBytes` for epoch `epoch`; returns the hashes written. */
async function save(runId: string, epoch: number, weightsBytes: number, optimizerBytes: number) {
  const weights = patterned(weightsBytes, epoch * 2 + 1);
  const optimizer = patterned(optimizerBytes, epoch * 2 + 2);
  const hashes = { weights: await sha256Hex(weights), optimizer: await sha256Hex(optimizer) };
  try {
    await saveCheckpoint(run(runId), { epoch, weights, optimizer, optimizerStep: epoch * 10, history: [epochRecord(epoch)], monitorValue: 1 / epoch }, 'loss');
    return { ok: true as const, hashes };
  } catch (e) {
    return { ok: false as const, error: toErrorData(e) };
  }
}

async function loadNewest(runId: string) {
  try {
    const c = await loadNewestCheckpoint(runId);
    if (!c) return { ok: true as const, checkpoint: null };
    return { ok: true as const, checkpoint: { epoch: c.epoch, optimizerStep: c.optimizerStep, weights: await sha256Hex(c.weights), optimizer: await sha256Hex(c.optimizer), bytes: c.weights.length + c.optimizer.length } };
  } catch (e) {
    return { ok: false as const, error: toErrorData(e) };
  }
}

/** One record of `bytes` bytes, unchunked, through the studio's write path: what the studio did before chunking. */
async function putOneValue(bytes: number) {
  try {
    const db = await openStudioDb();
    const tx = db.transaction(['blobs'], 'readwrite');
    await settle(tx, [tx.objectStore('blobs').put({ id: 'lab-one-value', bytes: new Uint8Array(bytes) })]);
    return { ok: true as const };
  } catch (e) {
    return { ok: false as const, error: toErrorData(e) };
  }
}

async function weightsRoundTrip(name: string, bytes: number) {
  const data = patterned(bytes, 7);
  await storeWeights(name, data);
  const back = await loadWeights(name);
  return { written: await sha256Hex(data), read: back ? await sha256Hex(back) : null };
}

/** How many chunk records the blob store holds for keys starting with `prefix`. */
async function chunkCount(prefix: string) {
  const db = await openStudioDb();
  return (await db.getAllKeys('blobs', IDBKeyRange.bound(prefix, `${prefix}\uffff`))).length;
}

const lab = { save, loadNewest, putOneValue, weightsRoundTrip, chunkCount, ready: Promise.resolve('storage') };
(window as unknown as { lab: typeof lab }).lab = lab;
export type StorageLab = typeof lab;
