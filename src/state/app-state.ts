/** The composition root: the real workers, database and browser edges, handed to the state classes once. */
import { proxy } from 'comlink';
import { checkpointEpochs, deleteDataset, deleteRun, openStudioDb, setRunStatus } from '../platform/db';
import { saveBlob } from '../platform/download';
import { requestPersistentStorage, storageInfo } from '../platform/storage';
import { getImportPool, getMetricsWorker, getProjectionWorker, getTrainingWorker } from '../platform/workers';
import { otherTabs } from '../platform/other-tabs';
import type { DatasetStore, RunStore, RunTabMessage } from './deps';
import { DatasetState } from './datasets.svelte';
import { ErrorState } from './errors.svelte';
import { EvaluationState } from './evaluation.svelte';
import { TrainingState } from './training.svelte';
import { RunsState } from './runs.svelte';
import { ElsewhereState } from './elsewhere.svelte';
import { ShowcaseState } from './showcase.svelte';
import { LatentMapState } from './latent-map.svelte';
import { fetchDemoModel } from '../platform/demo-model';
import { projectFilesFor, storeExternalRun } from '../platform/external-run';
import { setRunScores } from '../platform/db';
import { createRevision } from '../platform/revision-store';
import { CurationState } from './curation.svelte';
import { ComparisonState } from './comparison.svelte';

export interface Studio {
  errors: ErrorState;
  datasets: DatasetState;
  training: TrainingState;
  evaluation: EvaluationState;
  runs: RunsState;
  elsewhere: ElsewhereState;
  showcase: ShowcaseState;
  latentMap: LatentMapState;
  curation: CurationState;
  comparison: ComparisonState;
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
  checkpointEpochs: async () => checkpointEpochs(await openStudioDb()),
  remove: async (id) => deleteRun(await openStudioDb(), id),
  setStatus: async (id, status) => setRunStatus(await openStudioDb(), id, status),
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
  const training = new TrainingState({ worker, errors, save: saveBlob, callback: proxy });
  // the metrics worker starts with the first intervals asked for, not with every page load
  const evaluation = new EvaluationState({ worker, errors, save: saveBlob, trainingEvents: training.events, metrics: { setTrust: (...args) => getMetricsWorker().setTrust(...args) } });
  const runs = new RunsState({
    store: runStore,
    errors,
    trainingEvents: training.events,
    reopen: (run) => training.reopen(run),
    resume: (run) => training.resumeRun(run),
    selectDataset: (id) => (datasets.selectedId = id),
    datasetName: (id) => datasets.list.find((d) => d.id === id)?.name,
    tabs: otherTabs<RunTabMessage>('cxr-studio-runs'),
    freed: () => void datasets.refreshStorage(),
  });
  // every epoch writes a checkpoint: the storage figure follows
  training.events.on('epoch', () => datasets.refreshStorage());
  const elsewhere = new ElsewhereState({
    pool: getImportPool(),
    save: saveBlob,
    callback: proxy,
    errors,
    config: () => ({ ...training.config, augment: { ...training.config.augment } }),
    dataset: () => datasets.selected ?? undefined,
    projectFiles: projectFilesFor,
    storeRun: storeExternalRun,
    opened: async (run) => {
      await runs.refresh();
      await runs.reopen(run.id);
    },
  });
  const showcase = new ShowcaseState({ fetchModel: fetchDemoModel, datasets, training, errors });
  const latentMap = new LatentMapState({
    worker,
    // the projection worker starts with the first map asked for
    projector: { project: (...args) => getProjectionWorker().project(...args), cancel: () => getProjectionWorker().cancel() },
    evaluation,
    errors,
    save: saveBlob,
    callback: proxy,
    trainingEvents: training.events,
    datasetName: (id) => datasets.list.find((d) => d.id === id)?.name,
    // a box drawn on the map → those images in the curation panel, to relabel or exclude
    onEditSelection: (ids) => curation.select(ids, 'map selection'),
  });
  const datasetTabs = otherTabs();
  const comparison = new ComparisonState({
    errors,
    runs: async () => (await openStudioDb()).getAll('runs'),
    datasets: () => datasets.list,
    pixels: async (id) => (await datasets.imageDetail(id))?.pixels ?? null,
  });
  evaluation.events.on('scored', async ({ runId, sets }) => {
    await setRunScores(await openStudioDb(), runId, sets);
    await comparison.refresh();
  });
  const curation = new CurationState({
    errors,
    save: saveBlob,
    store: {
      // the other tabs list the new revision too
      create: async (baseId, edits) => {
        const revision = await createRevision(baseId, edits);
        datasetTabs?.post({ kind: 'datasets-changed' });
        return revision;
      },
    },
    evaluated: () => ({ datasetId: evaluation.context?.datasetId ?? null, setKey: evaluation.setKey, images: evaluation.scaled, threshold: evaluation.threshold, all: Object.values(evaluation.sets).flat() }),
    datasets: () => datasets.list,
    selectDataset: async (id) => {
      await datasets.refresh();
      datasets.selectedId = id;
    },
    train: (dataset) => training.start(dataset.id, dataset.imageSize),
  });
  // a tab closed mid-run: the other tabs offer its run for resuming at once
  if (typeof addEventListener === 'function') addEventListener('pagehide', () => runs.leaving());
  return {
    errors,
    datasets,
    training,
    evaluation,
    runs,
    elsewhere,
    showcase,
    latentMap,
    curation,
    comparison,
  };
}
