/**
 * What the page hears about the GPU device tfjs opened: its loss and the errors nobody captured, turned into
 * StudioErrors and sent to every subscriber (the page subscribes when it initialises the training worker),
 * whether or not a run is training. One instance per worker; lib/tfjs-internals/device hooks the device.
 */
import { StudioError, toErrorData, type StudioErrorData } from '../lib/errors';
import { watchGpuDevice, webGpuInternals, type GpuDeviceLike, type GpuDeviceProblem } from '../lib/tfjs-internals';

export type GpuProblemListener = (error: StudioErrorData) => void;

/**
 * Whether a failed run's error may come from a lost device (worth GpuProblems.lostSoon's wait): not when the
 * studio diagnosed it itself (a StudioError other than 'internal'; a loss surfaces as a plain error or as
 * 'internal', e.g. "Training diverged").
 */
export function mayBeDeviceLoss(error: unknown): boolean {
  return !(error instanceof StudioError) || error.code === 'internal';
}

export class GpuProblems {
  private lostBecause: string | undefined;
  private lostWhileTraining = false;
  private readonly listeners = new Set<GpuProblemListener>();
  private readonly reported = new Set<string>();

  /** `training()` tells whether a run is in progress, which decides what the message advises. */
  constructor(private readonly training: () => boolean) {}

  private watched: GpuDeviceLike | undefined;

  /** Hooks the device (the active WebGPU backend's unless given); false off WebGPU. */
  watch(device: GpuDeviceLike | undefined = webGpuInternals()?.device): boolean {
    if (!watchGpuDevice((p) => this.onProblem(p), device)) return false;
    this.watched = device;
    return true;
  }

  /**
   * Whether the device is lost, waiting up to `ms` for its loss to be told: an op on a lost device can fail
   * (and a run end) before device.lost resolves.
   */
  async lostSoon(ms = 5000): Promise<boolean> {
    if (this.lost || !this.watched) return this.lost;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.watched.lost, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    return this.lost;
  }

  /** Calls `listener` with every problem from now on, and at once with the loss if the device is already lost. */
  subscribe(listener: GpuProblemListener): () => void {
    this.listeners.add(listener);
    if (this.lostBecause !== undefined) listener(toErrorData(this.lostError()));
    return () => this.listeners.delete(listener);
  }

  get lost(): boolean {
    return this.lostBecause !== undefined;
  }

  /** The error a run that failed because of the loss returns: the same text the page already shows. */
  lostError(): StudioError {
    const advice = this.lostWhileTraining
      ? 'Reload the page and choose "Resume interrupted run": training continues from the last checkpoint.'
      : 'Reload the page to use the GPU again: imported datasets and trained models are kept.';
    return new StudioError('device-lost', `The GPU device was lost (${this.lostBecause}). ${advice}`);
  }

  private onProblem(p: GpuDeviceProblem): void {
    if (p.kind === 'lost') {
      if (this.lostBecause !== undefined) return;
      this.lostBecause = [p.reason, p.message].filter(Boolean).join(': ') || 'unknown reason';
      this.lostWhileTraining = this.training();
      this.tell(this.lostError());
      return;
    }
    // a failing shader or allocation repeats every step: tell each distinct error once
    const key = `${p.reason}|${p.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const outOfMemory = /OutOfMemory/i.test(p.reason);
    this.tell(
      outOfMemory
        ? new StudioError('out-of-memory', `The GPU ran out of memory (${p.message || p.reason}). Lower the batch size or set a GPU memory budget.`)
        : new StudioError('gpu-error', `The GPU reported an error (${p.reason}: ${p.message}). Results computed since may be wrong; reload the page.`),
    );
  }

  private tell(error: StudioError): void {
    for (const listener of this.listeners) listener(toErrorData(error));
  }
}
