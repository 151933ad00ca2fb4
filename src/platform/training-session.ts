/**
 * What the training worker holds between calls: one session (model, its dataset, the optimizer, the run in
 * progress and its pause/cancel state), made by a run, a resumed run or a loaded model. Evaluation and
 * explanation read it through `SessionHolder.current()`.
 */
import type { ResNet } from '../lib/model/resnet';
import type { Adam } from '../lib/model/adam';
import { StudioError } from '../lib/errors';
import type { StoredDataset } from './dataset-source';
import type { RunRecord } from './db';
import { RunControl } from './run-control';
import { noSessionReaders } from './session-guard';

export class TrainingSession {
  readonly control = new RunControl();
  /** the run that trains this session's model now */
  run: RunRecord | undefined;

  /** `optimizer` is absent for a model loaded for evaluation only. */
  constructor(
    readonly dataset: StoredDataset,
    readonly model: ResNet,
    readonly optimizer?: Adam,
  ) {}

  get training(): boolean {
    return this.run !== undefined;
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer?.dispose();
  }
}

export class SessionHolder {
  private session: TrainingSession | undefined;

  /**
   * Disposes the current session and installs `build()`'s, once no evaluation or explanation still reads the
   * old one (session-guard.ts); nothing awaits between the wait and the swap. The old model is freed before
   * the new one is made (GPU memory).
   */
  async replace(build: () => TrainingSession): Promise<TrainingSession> {
    await noSessionReaders();
    this.session?.dispose();
    this.session = undefined;
    this.session = build();
    return this.session;
  }

  current(): TrainingSession {
    if (!this.session) throw new StudioError('internal', 'No trained model in this session: train or resume a run first.');
    return this.session;
  }

  peek(): TrainingSession | undefined {
    return this.session;
  }
}
