/** The studio's workers: a pool for import, one dedicated worker for training, one for bootstrap metrics, one for the latent map's projection. */
import { wrap, type Remote } from 'comlink';
import { bytesTransferred } from './bytes-transferred';
import './comlink-errors';
import { WorkerPool } from './worker-pool';
import type { ImportApi } from '../../workers/import.worker';
import type { TrainingApi } from '../../workers/train.worker';
import type { MetricsApi } from '../../workers/metrics.worker';
import type { ProjectionApi } from '../../workers/projection.worker';

let importPool: WorkerPool<ImportApi> | undefined;
let training: Remote<TrainingApi> | undefined;
let metrics: Remote<MetricsApi> | undefined;
let projection: Remote<ProjectionApi> | undefined;

export function getImportPool(): WorkerPool<ImportApi> {
  importPool ??= new WorkerPool<ImportApi>(
    () => new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'import' }),
    { purpose: 'import' },
  );
  return importPool;
}

export function getTrainingWorker(): Remote<TrainingApi> {
  training ??= bytesTransferred(
    wrap<TrainingApi>(new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'training' })),
  );
  return training;
}

/** Bootstrap intervals and calibration (seconds of work on a few hundred images) run here, not in the page. */
export function getMetricsWorker(): Remote<MetricsApi> {
  metrics ??= wrap<MetricsApi>(new Worker(new URL('../../workers/metrics.worker.ts', import.meta.url), { type: 'module', name: 'metrics' }));
  return metrics;
}

/** The latent map's projection (UMAP / PCA); started with the first map asked for. */
export function getProjectionWorker(): Remote<ProjectionApi> {
  projection ??= wrap<ProjectionApi>(new Worker(new URL('../../workers/projection.worker.ts', import.meta.url), { type: 'module', name: 'projection' }));
  return projection;
}
