/** What the state classes need from the outside world; app-state.ts builds the real ones, tests pass fakes. */
import type { Remote } from 'comlink';
import type { ImportApi } from '../../workers/import.worker';
import type { TrainingApi } from '../../workers/train.worker';
import type { MetricsApi } from '../../workers/metrics.worker';
import type { ProjectionApi } from '../../workers/projection.worker';
import type { DatasetRecord, RejectionRecord, RunRecord, RunStatus } from '../platform/db';
import type { StorageInfo } from '../platform/storage';
import type { PickedFile } from '../platform/folder';
import type { OtherTabs, TabMessage } from '../platform/other-tabs';

export type { OtherTabs, TabMessage };
import type { EpochRecord } from '../lib/train/trainer';
import type { TrainConfig } from '../lib/train/config';

export type TrainingWorker = Remote<TrainingApi>;
export type ImportWorker = Remote<ImportApi>;
/** bootstrap intervals and calibration of a scored set (workers/metrics.worker.ts) */
export type MetricsWorker = Remote<MetricsApi>;

/** The import worker pool: a task runs on the next idle worker. */
export interface ImportPool {
  run<T>(task: (api: ImportWorker) => Promise<T>): Promise<T>;
}

/** The datasets and rejections stores of the studio database. */
export interface DatasetStore {
  list(): Promise<DatasetRecord[]>;
  get(id: string): Promise<DatasetRecord | undefined>;
  put(record: DatasetRecord): Promise<void>;
  rejections(datasetId: string): Promise<RejectionRecord[]>;
  /** the dataset with its images, pixels and rejections */
  remove(id: string): Promise<void>;
}

/** The runs and checkpoints stores of the studio database. */
export interface RunStore {
  list(): Promise<RunRecord[]>;
  /** the epochs of the checkpoints each run keeps, by run id (runs without any are absent) */
  checkpointEpochs(): Promise<Map<string, number[]>>;
  /** the run with its checkpoints and their bytes */
  remove(id: string): Promise<void>;
  setStatus(id: string, status: RunStatus): Promise<void>;
}

/** What a tab tells the studio's other tabs about training (their own channel: dataset tabs need not hear it). */
export type RunTabMessage =
  /** this tab trains `runId` (active) or stopped training it: the others do not call it interrupted */
  | { kind: 'training'; runId: string; active: boolean }
  /** a tab starting up asks which runs are being trained: each training tab answers with 'training' */
  | { kind: 'who-trains' }
  /** a run was deleted or dismissed here: list them again */
  | { kind: 'runs-changed' };

export interface StorageAccess {
  info(): Promise<StorageInfo | null>;
  requestPersistent(): Promise<boolean>;
}

export type PickedFolder = { name: string; files: PickedFile[] };

/** Hands a file to the person (a download in the page). */
export type SaveFile = (blob: Blob, filename: string) => void;

/** Marks a callback object so the worker calls back into this thread (comlink's proxy in the page). */
export type Callback = <T extends object>(callbacks: T) => T;

/** The model that evaluation and explanation now describe. */
export interface TrainedModel {
  runId: string | null;
  /** the configuration it was trained with (for a model loaded from a file: the settings on the page) */
  config: TrainConfig;
}

export interface TrainingEvents extends Record<string, unknown> {
  /** a new run starts (or another model replaces this one): what was evaluated belongs to a model that is going away */
  'run-started': undefined;
  /** the worker stored the record of the run this tab trains now */
  'run-stored': { runId: string };
  /** this tab's run ended (done, cancelled, failed or broken off): its record says how */
  'run-ended': { runId: string };
  epoch: EpochRecord;
  /** a run completed, or a model was loaded: it can be evaluated */
  'model-ready': TrainedModel;
}

/** the latent map's UMAP / PCA (workers/projection.worker.ts) */
export type ProjectionWorker = Remote<ProjectionApi>;
