/** Fakes of what the state classes take in their constructors: in-memory stores, scripted workers. */
import type { DatasetRecord, RejectionRecord, RunRecord } from '../../../src/platform/db';
import type { DatasetStore, ImportPool, ImportWorker, OtherTabs, RunStore, TrainingWorker } from '../../../src/state/deps';
import type { ScoredImage } from '../../../src/lib/eval';
import type { Explanation } from '../../../src/platform/explain-service';
import type { EpochRecord } from '../../../src/lib/train/trainer';
import type { TrainConfig } from '../../../src/lib/train/config';
import { ErrorState } from '../../../src/state/errors.svelte';

/** comlink's proxy stands for "call back into this thread"; in one thread the object itself does */
export const sameThread = <T extends object>(callbacks: T): T => callbacks;

export function quietErrors(): { errors: ErrorState; logged: string[] } {
  const logged: string[] = [];
  return { errors: new ErrorState((line) => logged.push(line)), logged };
}

export function savedFiles(): { save: (blob: Blob, name: string) => void; files: Map<string, Blob> } {
  const files = new Map<string, Blob>();
  return { save: (blob, name) => void files.set(name, blob), files };
}

export class MemoryDatasetStore implements DatasetStore {
  readonly records = new Map<string, DatasetRecord>();
  readonly rejected: RejectionRecord[] = [];
  /** list() calls that throw before one succeeds (a connection the browser closes) */
  failingLists = 0;

  async list(): Promise<DatasetRecord[]> {
    if (this.failingLists > 0) {
      this.failingLists--;
      throw new Error('The database connection is closing.');
    }
    return [...this.records.values()].map((r) => structuredClone(r));
  }
  async get(id: string) {
    const r = this.records.get(id);
    return r && structuredClone(r);
  }
  async put(record: DatasetRecord) {
    this.records.set(record.id, structuredClone(record));
  }
  async rejections(datasetId: string) {
    return this.rejected.filter((r) => r.datasetId === datasetId);
  }
  async remove(id: string) {
    this.records.delete(id);
  }
}

export function dataset(id: string, over: Partial<DatasetRecord> = {}): DatasetRecord {
  return { id, name: id, source: 'folder', createdAt: 1, imageSize: 32, classes: ['normal', 'pneumonia'], status: 'ready', imageCount: 10, rejectedCount: 0, splitSeed: 1, splitFractions: [0.8, 0.1, 0.1], ...over };
}

/** A pool of one in-thread "worker": tasks run on `api` one after another, as on a pool of size 1. */
export function inlinePool(api: Partial<Record<keyof ImportWorker, unknown>>): ImportPool & { tasks: number } {
  let queue: Promise<unknown> = Promise.resolve();
  const pool = {
    tasks: 0,
    run<T>(task: (api: ImportWorker) => Promise<T>): Promise<T> {
      pool.tasks++;
      const result = queue.then(() => task(api as unknown as ImportWorker));
      queue = result.catch(() => undefined);
      return result;
    },
  };
  return pool;
}

/** The runs store with the epochs of each run's checkpoints (`kept`); remove drops both. */
export class MemoryRunStore implements RunStore {
  readonly records = new Map<string, RunRecord>();
  readonly kept = new Map<string, number[]>();
  removed: string[] = [];

  constructor(runs: RunRecord[] = [], kept: Record<string, number[]> = {}) {
    for (const r of runs) this.records.set(r.id, structuredClone(r));
    for (const [id, epochs] of Object.entries(kept)) this.kept.set(id, epochs);
  }
  async list() {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
  async checkpointEpochs() {
    return new Map([...this.kept].map(([id, epochs]) => [id, [...epochs]]));
  }
  async remove(id: string) {
    this.removed.push(id);
    this.records.delete(id);
    this.kept.delete(id);
  }
  async setStatus(id: string, status: RunRecord['status']) {
    const r = this.records.get(id);
    if (r) r.status = status;
  }
}

export const runStore = (runs: RunRecord[] = [], kept: Record<string, number[]> = {}): MemoryRunStore => new MemoryRunStore(runs, kept);

/** A stored run of dataset d1, done, 3 epochs configured, monitored by val AUC; `over` changes any field. */
export function runRecord(id: string, over: Partial<RunRecord> = {}): RunRecord {
  const config = { imageSize: 64, widthMultiplier: 0.125, batchSize: 16, epochs: 3, monitor: 'auc', patience: 0, seed: 1 } as TrainConfig;
  return { id, datasetId: 'd1', createdAt: 1, status: 'done', config, history: [], ...over };
}

export function scored(id: string, label: number, logit: number, split = 'val'): ScoredImage {
  return { id, sourcePath: `${split}/${id}.dcm`, patientId: `p-${id}`, split, label, logits: [logit] };
}

export function explanation(imageId: string): Explanation {
  return { imageId, size: 2, pixels: new Uint8Array(4), heat: new Float32Array(4), logits: [0], probabilities: [0.5, 0.5], classIndex: 1, method: 'cam', layer: 4, camSize: 2 };
}

export function epoch(n: number, valLoss = 1 / n): EpochRecord {
  return { epoch: n, trainLoss: 1 / n, valLoss, valAccuracy: 0.5, valAuc: 0.5, valF1: 0.5, seconds: 1, imagesPerSecond: 10, numTensors: 100, microBatches: 1, stepLosses: [1 / n] } as EpochRecord;
}

/** Only the methods a test scripts exist; calling another fails loudly. */
export function trainingWorker(methods: Partial<Record<keyof TrainingWorker, (...args: never[]) => unknown>>): TrainingWorker {
  return new Proxy(methods, {
    get: (target, name) => {
      const method = target[name as keyof typeof target];
      if (!method) return () => Promise.reject(new Error(`the fake training worker has no ${String(name)}`));
      return async (...args: never[]) => method(...args);
    },
  }) as unknown as TrainingWorker;
}

/** The studio's other tabs in one thread: what one tab posts reaches every other tab's subscribers, later (as a BroadcastChannel). */
export function tabBus<M>(): () => OtherTabs<M> {
  const tabs: Array<Set<(message: M) => void>> = [];
  return () => {
    const mine = new Set<(message: M) => void>();
    tabs.push(mine);
    return {
      post: (message) => {
        for (const other of tabs) if (other !== mine) for (const listener of other) queueMicrotask(() => listener(structuredClone(message)));
      },
      subscribe: (listener) => {
        mine.add(listener);
        return () => mine.delete(listener);
      },
    };
  };
}
