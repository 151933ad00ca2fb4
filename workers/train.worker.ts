// Training worker: owns the tfjs backend, the model and the optimizer; also explains its decisions.
import { expose } from 'comlink';
import '../src/platform/comlink-errors';
import * as trainingService from '../src/platform/training-service';
import * as explainService from '../src/platform/explain-service';
expose({ ...trainingService, ...explainService });
export type TrainingApi = typeof trainingService & typeof explainService;
