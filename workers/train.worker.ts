// Training worker: owns the tfjs backend, the model and the optimizer.
import { expose } from 'comlink';
import * as trainingService from '../src/platform/training-service';

expose(trainingService);
export type TrainingApi = typeof trainingService;
