/**
 * A fixed-size pool of comlink workers (hardwareConcurrency, at least 1; the main thread only orchestrates). Tasks queue until
 * a worker is idle. A worker that crashes (uncaught error, wasm abort) rejects its task and is
 * replaced, so the pool never shrinks.
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import { StudioError } from '../lib/errors';

/** The part of a Worker the pool uses (a test passes a fake). */
export type PoolWorker = Pick<Worker, 'postMessage' | 'addEventListener' | 'removeEventListener' | 'terminate'>;

export interface WorkerPoolOptions {
  /** what the workers do, named in errors ("A worker of the import pool crashed: …") */
  purpose?: string;
  size?: number;
}

interface Slot<Api> {
  worker: PoolWorker;
  api: Remote<Api>;
  busy: boolean;
  fail?: (e: Error) => void;
}

export class WorkerPool<Api> {
  private readonly slots: Slot<Api>[] = [];
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  readonly size: number;
  readonly purpose: string;

  constructor(
    private readonly spawn: () => PoolWorker,
    options: WorkerPoolOptions = {},
  ) {
    this.size = options.size ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);
    this.purpose = options.purpose ?? 'worker';
    for (let i = 0; i < this.size; i++) this.slots.push(this.makeSlot());
  }

  get workerCount(): number {
    return this.slots.length;
  }

  private makeSlot(): Slot<Api> {
    const worker = this.spawn();
    const slot: Slot<Api> = { worker, api: wrap<Api>(worker), busy: false };
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      const why = ev.message || 'unknown error';
      this.replace(slot, new StudioError('internal', `A worker of the ${this.purpose} pool crashed: ${why}`));
    });
    return slot;
  }

  private replace(slot: Slot<Api>, reason: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    slot.api[releaseProxy]();
    slot.worker.terminate();
    slot.fail?.(reason);
    if (this.closed) return;
    this.slots[i] = this.makeSlot();
    this.wake();
  }

  private wake(): void {
    this.waiting.shift()?.();
  }

  /** Run one task on the next idle worker. */
  async run<T>(task: (api: Remote<Api>) => Promise<T>): Promise<T> {
    for (;;) {
      if (this.closed) throw new StudioError('internal', `The ${this.purpose} pool is closed.`);
      const slot = this.slots.find((s) => !s.busy);
      if (slot) return this.runOn(slot, task);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async runOn<T>(slot: Slot<Api>, task: (api: Remote<Api>) => Promise<T>): Promise<T> {
    slot.busy = true;
    try {
      return await new Promise<T>((resolve, reject) => {
        slot.fail = reject;
        task(slot.api).then(resolve, reject);
      });
    } finally {
      slot.busy = false;
      slot.fail = undefined;
      this.wake();
    }
  }

  /** Stops every worker; queued and later tasks reject. A second call does nothing. */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.slots) {
      s.api[releaseProxy]();
      s.worker.terminate();
    }
    this.waiting.splice(0).forEach((w) => w());
  }
}
