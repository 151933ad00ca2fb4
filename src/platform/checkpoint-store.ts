/**
 * Checkpoints in IndexedDB: the model's safetensors and Adam's moments as chunked blobs, written
 * with the checkpoint record, the pruning of older checkpoints and the run's history in one
 * transaction, so a checkpoint is whole or absent. Reads verify size and SHA-256.
 */
import { checkpointsToPrune, newestCheckpoint } from '../lib/train/checkpoints';
import type { Monitor } from '../lib/train/config';
import { bestSoFar, type EpochRecord } from '../lib/train/trainer';
import { deleteBlobs, prepareBlob, putBlob, readStoredBytes, settle } from './blob-store';
import { checkpointBlobKey, checkpointBlobPrefix, openStudioDb, storageError, type RunRecord } from './db';

export interface CheckpointData {
  epoch: number;
  /** safetensors of the model's state dict */
  weights: Uint8Array;
  /** safetensors of Adam's moments ("m.<param>", "v.<param>") */
  optimizer: Uint8Array;
  optimizerStep: number;
  history: EpochRecord[];
  monitorValue: number;
}

export function checkpointId(runId: string, epoch: number): string {
  return `${runId}|${String(epoch).padStart(4, '0')}`;
}

/** Store a checkpoint of `run` (and `run` itself, with its history), pruning by `monitor`. */
export async function saveCheckpoint(run: RunRecord, data: CheckpointData, monitor: Monitor): Promise<void> {
  const id = checkpointId(run.id, data.epoch);
  // hashing is async: done before the transaction opens
  const weights = await prepareBlob(checkpointBlobKey(id, 'weights'), data.weights);
  const optimizer = await prepareBlob(checkpointBlobKey(id, 'optimizer'), data.optimizer);
  let db;
  try {
    db = await openStudioDb();
  } catch (e) {
    throw storageError(e);
  }
  const tx = db.transaction(['checkpoints', 'runs', 'blobs'], 'readwrite');
  const requests: Promise<unknown>[] = [];
  try {
    const existing = (await tx.objectStore('checkpoints').index('byRun').getAll(IDBKeyRange.only(run.id))).filter((c) => c.id !== id);
    for (const old of checkpointsToPrune(existing, data.monitorValue, monitor)) {
      requests.push(tx.objectStore('checkpoints').delete(old), deleteBlobs(tx, checkpointBlobPrefix(old)));
    }
    requests.push(...putBlob(tx, weights), ...putBlob(tx, optimizer));
    requests.push(
      tx.objectStore('checkpoints').put({
        id,
        runId: run.id,
        epoch: data.epoch,
        weights: weights.ref,
        optimizer: optimizer.ref,
        optimizerStep: data.optimizerStep,
        history: data.history,
        monitorValue: data.monitorValue,
      }),
    );
    run.history = data.history;
    requests.push(tx.objectStore('runs').put(run));
  } catch (e) {
    // a request that throws synchronously (DataCloneError, …): undo what was queued
    try {
      tx.abort();
    } catch {
      /* already finished */
    }
    await Promise.allSettled([...requests, tx.done]);
    throw storageError(e);
  }
  await settle(tx, requests);
}

/** The newest checkpoint of a run, its bytes read back and verified; undefined when it has none. */
export function loadNewestCheckpoint(runId: string): Promise<CheckpointData | undefined> {
  return loadCheckpoint(runId, newestCheckpoint);
}

/**
 * The model's safetensors of one epoch's checkpoint (e.g. the best, which pruning keeps), without the optimizer
 * state; undefined when it was pruned or never written.
 */
export async function loadEpochWeights(runId: string, epoch: number): Promise<Uint8Array | undefined> {
  return (await loadCheckpoint(runId, (all) => all.find((c) => c.epoch === epoch), false))?.weights;
}

/**
 * The kept epoch whose weights a run ended with: `modelEpoch` as the run stored it; for older records, the best epoch
 * of a run that stopped early (done before its configured epochs, with patience) and else the newest kept one.
 */
export function modelEpochOf(run: Pick<RunRecord, 'modelEpoch' | 'status' | 'history' | 'config'>, kept: number[]): number | undefined {
  if (run.modelEpoch !== undefined && kept.includes(run.modelEpoch)) return run.modelEpoch;
  const { patience, epochs, monitor } = run.config;
  if (run.modelEpoch === undefined && run.status === 'done' && patience > 0 && run.history.length < epochs) {
    const best = bestSoFar(run.history, monitor).bestEpoch;
    if (best !== undefined && kept.includes(best)) return best;
  }
  return kept.length ? Math.max(...kept) : undefined;
}

/** The model's safetensors a run ended with (modelEpochOf), without optimizer state; undefined when it kept no checkpoint. */
export async function loadRunModel(run: RunRecord): Promise<{ epoch: number; weights: Uint8Array } | undefined> {
  const loaded = await loadCheckpoint(run.id, (all) => {
    const epoch = modelEpochOf(run, all.map((c) => c.epoch));
    return all.find((c) => c.epoch === epoch);
  }, false);
  return loaded && { epoch: loaded.epoch, weights: loaded.weights };
}

function loadCheckpoint(runId: string, pick: <T extends { epoch: number }>(all: T[]) => T | undefined): Promise<CheckpointData | undefined>;
function loadCheckpoint(
  runId: string,
  pick: <T extends { epoch: number }>(all: T[]) => T | undefined,
  withOptimizer: false,
): Promise<Omit<CheckpointData, 'optimizer'> | undefined>;
async function loadCheckpoint(
  runId: string,
  pick: <T extends { epoch: number }>(all: T[]) => T | undefined,
  withOptimizer = true,
): Promise<(Omit<CheckpointData, 'optimizer'> & { optimizer?: Uint8Array }) | undefined> {
  let read;
  try {
    const db = await openStudioDb();
    const tx = db.transaction(['checkpoints', 'blobs'], 'readonly');
    const chosen = pick(await tx.objectStore('checkpoints').index('byRun').getAll(IDBKeyRange.only(runId)));
    if (!chosen) return undefined;
    const weights = await readStoredBytes(tx, chosen.weights, `checkpoint of epoch ${chosen.epoch} (weights)`);
    const optimizer = withOptimizer ? await readStoredBytes(tx, chosen.optimizer, `checkpoint of epoch ${chosen.epoch} (optimizer state)`) : undefined;
    await tx.done;
    read = { chosen, weights, optimizer };
  } catch (e) {
    throw storageError(e);
  }
  const { chosen } = read;
  return {
    epoch: chosen.epoch,
    weights: await read.weights(),
    ...(read.optimizer ? { optimizer: await read.optimizer() } : {}),
    optimizerStep: chosen.optimizerStep,
    history: chosen.history,
    monitorValue: chosen.monitorValue,
  };
}
