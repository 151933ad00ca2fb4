/** Pause, resume and cancel of one training run, as train() polls them between steps (lib/train/trainer.ts). */
export class RunControl {
  private paused = false;
  private cancelRequested = false;
  private wake: (() => void) | undefined;

  get cancelled(): boolean {
    return this.cancelRequested;
  }

  /** A run starts neither paused nor cancelled, whatever was asked before it began. */
  reset(): void {
    this.paused = false;
    this.cancelRequested = false;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
    this.wake = undefined;
  }

  /** Cancelling a paused run also wakes it, so that it can stop. */
  cancel(): void {
    this.cancelRequested = true;
    this.resume();
  }

  waitWhilePaused(): Promise<void> {
    return this.paused ? new Promise<void>((resolve) => (this.wake = resolve)) : Promise.resolve();
  }
}
