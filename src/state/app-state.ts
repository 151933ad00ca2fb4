/** The composition root: the real workers, database and browser edges, handed to the state classes once. */
import { proxy } from 'comlink';
import { deleteDataset, openStudioDb } from '../platform/db';
import { saveBlob } from '../platform/download';
import { requestPersistentStorage, storageInfo } from '../platform/storage';
import { getImportPool, getTrainingWorker } from '../platform/workers';
import { otherTabs } from '../platform/other-tabs';
import type { DatasetStore, RunStore } from './deps';
import { DatasetState } from './datasets.svelte';
import { ErrorState } from './errors.svelte';
import { EvaluationState } from './evaluation.svelte';
import { TrainingState } from './training.svelte';

export interface Studio {
  errors: ErrorState;
  datasets: DatasetState;
  training: TrainingState;
  evaluation: EvaluationState;
}

const datasetStore: DatasetStore = {
  list: async () => (await openStudioDb()).getAll('datasets'),
  get: async (id) => (await openStudioDb()).get('datasets', id),
  put: async (record) => void (await (await openStudioDb()).put('datasets', record)),
  rejections: async (id) => (await openStudioDb()).getAllFromIndex('rejections', 'byDataset', id),
  remove: async (id) => deleteDataset(await openStudioDb(), id),
};

const runStore: RunStore = {
  list: async () => (await openStudioDb()).getAll('runs'),
};

export function createStudio(): Studio {
  const errors = new ErrorState();
  const worker = getTrainingWorker();
  const datasets = new DatasetState({
    pool: getImportPool(),
    store: datasetStore,
    storage: { info: storageInfo, requestPersistent: requestPersistentStorage },
    errors,
    save: saveBlob,
    callback: proxy,
    tabs: otherTabs(),
  });
  const training = new TrainingState({ worker, runs: runStore, errors, save: saveBlob, callback: proxy });
  const evaluation = new EvaluationState({ worker, errors, save: saveBlob, trainingEvents: training.events });
  // every epoch writes a checkpoint: the storage figure follows
  training.events.on('epoch', () => datasets.refreshStorage());
  return { errors, datasets, training, evaluation };
}
