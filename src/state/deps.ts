/** What the state classes need from the outside world; app-state.ts builds the real ones, tests pass fakes. */
import type { Remote } from 'comlink';
import type { ImportApi } from '../../workers/import.worker';
import type { TrainingApi } from '../../workers/train.worker';
import type { DatasetRecord, RejectionRecord, RunRecord } from '../platform/db';
import type { StorageInfo } from '../platform/storage';
import type { PickedFile } from '../platform/folder';
import type { OtherTabs, TabMessage } from '../platform/other-tabs';

export type { OtherTabs, TabMessage };
import type { EpochRecord } from '../lib/train/trainer';
import type { TrainConfig } from '../lib/train/config';

export type TrainingWorker = Remote<TrainingApi>;
export type ImportWorker = Remote<ImportApi>;

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

export interface RunStore {
  list(): Promise<RunRecord[]>;
}

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
  /** a new run starts: what was evaluated belongs to a model that is going away */
  'run-started': undefined;
  epoch: EpochRecord;
  /** a run completed, or a model was loaded: it can be evaluated */
  'model-ready': TrainedModel;
}
