/** Typed view of tfjs-core 4.22's Engine tape, for the backward pass that frees as it goes (lib/model/low-memory-gradients). */
import * as tf from '@tensorflow/tfjs';

export interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
}

function engineInternals(): EngineInternals | null {
  const e = tf.engine() as unknown as Partial<EngineInternals>;
  const ok = typeof e.startTape === 'function' && typeof e.endTape === 'function' && typeof e.scopedRun === 'function' && e.state !== undefined && 'gradientDepth' in e.state;
  return ok ? (e as EngineInternals) : null;
}

/** Records the tape of one forward pass as tfjs-core's Engine.gradients does, for a backward pass of one's own. */
export interface TapeRecorder {
  /** runs f with a fresh tape on (the engine keeps what each node saves for its backward pass) */
  record<T>(f: () => T): T;
  /** the nodes recorded by record() */
  tape(): TapeNode[];
  /** drops the recorded tape (its saved tensors must have been disposed) */
  clear(): void;
}

/** null when the engine's internals are not the ones this was written against, or a gradient is already being taken. */
export function tapeRecorder(): TapeRecorder | null {
  const engine = engineInternals();
  if (!engine || engine.state.gradientDepth !== 0) return null;
  return {
    record: (f) => engine.scopedRun(() => engine.startTape(), () => engine.endTape(), f),
    tape: () => engine.state.activeTape ?? [],
    clear: () => {
      engine.state.activeTape = null;
    },
  };
}
