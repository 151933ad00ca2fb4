/**
 * A run trained outside the studio (the exported train.py, or any trainer writing the same files) stored as a
 * studio run: its history, its configuration and one checkpoint with its weights, so reopening it gives
 * evaluation, CAMs, the latent map and the model card like any run.
 */
import { StudioError } from '../lib/errors';
import { describeOrigin, parseExternalHistory } from '../lib/export-project/history';
import { externalModelShape } from '../lib/export-project/weights';
import { projectFiles, type ProjectFile } from '../lib/export-project/project';
import type { ProjectConfig, ProjectSource } from '../lib/export-project/config';
import { readSafetensors, writeSafetensors } from '../lib/model/safetensors';
import { validateConfig, type TrainConfig } from '../lib/train/config';
import { monitorValue } from '../lib/train/trainer';
import { saveCheckpoint } from './checkpoint-store';
import type { DatasetRecord, RunRecord } from './db';

/** A run record that says where the run was trained ("train.py on node7 (cuda, 4 processes)"). */
export type ExternalRunRecord = RunRecord & Required<Pick<RunRecord, 'trainedElsewhere'>>;

function configOf(history: ReturnType<typeof parseExternalHistory>, fallback: TrainConfig, widthMultiplier: number, dataset: DatasetRecord): TrainConfig {
  const exported = (history.config as Partial<ProjectConfig> | undefined)?.train;
  const config: TrainConfig = { ...fallback, ...(exported ?? {}), widthMultiplier, imageSize: dataset.imageSize, epochs: Math.max(history.epochs.length, exported?.epochs ?? 1) };
  delete config.microBatchSize;
  delete config.gpuBudgetMB;
  if (exported?.imageSize !== undefined && exported.imageSize !== dataset.imageSize)
    throw new StudioError('bad-config', `history.json is from a run on ${exported.imageSize} px images; the dataset "${dataset.name}" stores ${dataset.imageSize} px.`);
  return validateConfig(JSON.parse(JSON.stringify(config)) as TrainConfig);
}

/** Checks model.safetensors against the dataset, reads history.json, and stores both as a finished run. */
export async function storeExternalRun(dataset: DatasetRecord, weights: Uint8Array, historyText: string, pageConfig: TrainConfig): Promise<ExternalRunRecord> {
  const sd = readSafetensors(weights);
  const { widthMultiplier } = externalModelShape(sd, dataset.classes);
  const history = parseExternalHistory(historyText);
  const config = configOf(history, pageConfig, widthMultiplier, dataset);
  const modelEpoch = history.stoppedEarly && history.bestEpoch !== undefined ? history.bestEpoch : history.epochs.length;
  const run: ExternalRunRecord = {
    id: `external-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`,
    datasetId: dataset.id,
    createdAt: Date.now(),
    status: 'done',
    config,
    history: history.epochs,
    modelEpoch,
    trainedElsewhere: describeOrigin(history.origin),
  };
  await saveCheckpoint(
    run,
    {
      epoch: modelEpoch,
      weights,
      optimizer: writeSafetensors(new Map()),
      optimizerStep: 0,
      history: history.epochs,
      monitorValue: monitorValue(history.epochs[modelEpoch - 1], config.monitor),
    },
    config.monitor,
  );
  return run;
}

/** The training project's files for `config` on `dataset` (its training-split mean and std normalise the input). */
export function projectFilesFor(config: TrainConfig, dataset: DatasetRecord, source: ProjectSource = 'png'): ProjectFile[] {
  if (!dataset.stats || dataset.status !== 'ready') throw new StudioError('bad-config', `Dataset "${dataset.name}" is not fully imported yet.`);
  if (source === 'dicom' && dataset.source !== 'folder')
    throw new StudioError('bad-config', `Dataset "${dataset.name}" was not imported from a folder: there are no original files for train.py to read.`);
  const { name, classes, imageSize, splitSeed, splitFractions, imageCount } = dataset;
  const data = { name, classes: [...classes], imageSize, mean: dataset.stats.mean, std: dataset.stats.std, splitSeed, splitFractions: [...splitFractions] as [number, number, number], source };
  return projectFiles(JSON.parse(JSON.stringify(config)) as TrainConfig, data, imageCount);
}
