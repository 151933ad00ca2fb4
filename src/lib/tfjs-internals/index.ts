/**
 * The one home of every reach into tfjs's private internals (engine tape, backend allocators, the WebGPU
 * device tfjs opened, its command submission). All of it is written against the pinned tfjs version; a unit
 * test fails on another one (tests/unit/platform/tfjs-version.test.ts), and tests/unit/boundaries.test.ts
 * fails when code elsewhere casts tf.backend() or tf.engine().
 */
export * from './version';
export * from './backends';
export * from './engine';
export * from './gpu-pools';
export * from './device';
