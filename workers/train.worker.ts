// Training worker: owns the tfjs backend, the model and the optimizer; also explains its decisions.
import { expose } from 'comlink';
import '../src/platform/comlink-errors';
import * as trainingService from '../src/platform/training-service';
import * as explainService from '../src/platform/explain-service';
import * as storageProbe from '../src/platform/storage-probe';
import * as explanationChecks from '../src/platform/explanation-checks-service';
expose({ ...trainingService, ...explainService, ...storageProbe, ...explanationChecks });
export type TrainingApi = typeof trainingService & typeof explainService & typeof storageProbe & typeof explanationChecks;
