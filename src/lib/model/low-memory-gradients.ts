import * as tf from '@tensorflow/tfjs';
import { tapeRecorder, type TapeNode } from '../tfjs-internals/engine';

/**
 * tf.variableGrads with a backward pass that frees as it goes.
 *
 * tfjs-core 4.22's Engine.gradients walks the tape backwards inside one tidy and frees nothing until
 * the walk ends: every activation the forward pass saved for the backward pass AND every activation's
 * gradient stay alive together, so the peak is roughly twice what the model needs. This walk is the
 * same (same tape, same node order, same gradient functions, so the same numbers), except that once a
 * node's gradients are computed, its tensors are released:
 *  - the gradient flowing into each of its outputs (no other node reads it: every tensor is the output
 *    of exactly one node, and all of that tensor's consumers come later on the tape, so earlier in the walk);
 *  - the tensors it saved for its own backward pass (clones that share their data with the forward's tensors;
 *    the data goes when the last node that saved it has been walked).
 * A tensor still reachable as some input's accumulated gradient is never released (a gradient function
 * may return dy or a saved tensor itself). Falls back to tf.variableGrads if the engine's internals are
 * not the ones this was written against.
 */

/** The tape nodes on a path from one of xs to y, inputs pruned to those that depend on xs (tfjs-core's getFilteredNodesXToY). */
function nodesFromXsToY(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      node.outputs.forEach((o) => fromX.add(o.id));
      nodesFromX.add(node.id);
    }
  }
  const leadsToY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => leadsToY.has(o.id))) {
      Object.values(node.inputs).forEach((t) => leadsToY.add(t.id));
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((n) => nodesFromX.has(n.id) && nodesToY.has(n.id))
    .map((n) => ({ ...n, inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))) }));
}

export interface LowMemoryGradientOptions {
  /**
   * Called when the walk reaches activations at least twice the size of any walked before (ResNet: at each
   * stage boundary, going from layer4 towards the stem). Tensors of the smaller sizes are mostly freed
   * by then; a platform whose allocator pools buffers by exact size empties its pool here, so that the
   * pool holds one stage's buffers at a time instead of every stage's.
   */
  onLargerActivations?: () => void;
}

function backpropagateFreeing(gradOf: Map<number, tf.Tensor>, tape: TapeNode[], options: LowMemoryGradientOptions): void {
  let largest = 0;
  const stillReferenced = (t: tf.Tensor) => {
    for (const g of gradOf.values()) if (g === t) return true;
    return false;
  };
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const size = node.outputs[0]?.size ?? 0;
    if (size >= 2 * largest) {
      if (largest > 0) options.onLargerActivations?.();
      largest = size;
    }
    if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(node.outputs.map((o) => gradOf.get(o.id) ?? null));
    for (const [name, x] of Object.entries(node.inputs)) {
      if (!(name in inputGradients)) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
      const dx = tf.tidy(() => inputGradients[name]());
      if (dx.dtype !== 'float32') throw new Error(`The gradient of input ${name} of ${node.kernelName} must be float32, got ${dx.dtype}.`);
      const previous = gradOf.get(x.id);
      if (previous === undefined) gradOf.set(x.id, dx);
      else {
        gradOf.set(x.id, tf.add(previous, dx));
        previous.dispose();
      }
    }
    for (const o of node.outputs) {
      const dy = gradOf.get(o.id);
      if (dy === undefined) continue;
      gradOf.delete(o.id);
      if (!stillReferenced(dy)) dy.dispose();
    }
    for (const t of node.saved ?? []) if (!stillReferenced(t)) t.dispose();
  }
}

/** Like tf.variableGrads(f, variables), with the gradients in the order of `variables` (null where f does not depend on one). */
export function variableGradsLowMemory(f: () => tf.Scalar, variables: tf.Variable[], options: LowMemoryGradientOptions = {}): { value: tf.Scalar; grads: (tf.Tensor | null)[] } {
  const recorder = tapeRecorder();
  if (!recorder) {
    const { value, grads } = tf.variableGrads(f, variables);
    return { value, grads: variables.map((v) => grads[v.name] ?? null) };
  }
  const disposeSaved = () => {
    for (const node of recorder.tape()) for (const t of node.saved ?? []) t.dispose();
  };
  const y = recorder.record(() =>
    tf.tidy('forward', () => {
      try {
        return f();
      } catch (error) {
        disposeSaved(); // the tape keeps (engine.keep) what it saved for the backward pass: tidy would not free it
        throw error;
      }
    }),
  );
  if (!(y instanceof tf.Tensor) || y.rank !== 0) throw new Error('variableGradsLowMemory: f must return a scalar');
  const tape = recorder.tape();
  const found = tf.tidy('backward', () => {
    const gradOf = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
    backpropagateFreeing(gradOf, nodesFromXsToY(tape, variables, y), options);
    const byIndex: Record<string, tf.Tensor> = {};
    variables.forEach((v, i) => {
      const g = gradOf.get(v.id);
      if (g) byIndex[i] = g;
    });
    return byIndex;
  });
  // what the walk left (nodes off the x→y paths) goes as in Engine.gradients
  disposeSaved();
  recorder.clear();
  return { value: y as tf.Scalar, grads: variables.map((_, i) => found[i] ?? null) };
}
