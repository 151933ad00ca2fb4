// Projection worker: the latent map's UMAP / PCA, off the page's thread and the training worker's.
import { expose } from 'comlink';
import '../src/platform/comlink-errors';
import * as projectionService from '../src/platform/projection-service';

expose(projectionService);
export type ProjectionApi = typeof projectionService;
