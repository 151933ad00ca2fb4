/**
 * Typed views of tfjs-backend-webgpu's and tfjs-backend-webgl's private fields (4.22). Every reach into a
 * backend's internals goes through here; each view checks the fields it needs and is null when they differ.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export interface WebGpuBufferManager {
  numBytesUsed: number;
  numBytesAllocated: number;
  numFreeBuffers: number;
  freeBuffers: Map<string, { size: number; destroy(): void }[]>;
}

/** The parts of a GPUDevice the studio uses (the WebGPU types are not in TypeScript's DOM lib). */
export interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  limits: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
  adapterInfo?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string; constructor?: { name?: string } } }) => void): void;
  destroy(): void;
}

export interface WebGpuInternals {
  device: GpuDeviceLike;
  bufferManager: WebGpuBufferManager;
  /** tfjs's reduced copy of the adapter's info (vendor and architecture only) */
  adapterInfo?: { vendor?: string; architecture?: string };
}

export interface WebGlTextureManager {
  numBytesAllocated: number;
  _numBytesAllocated: number;
  _numBytesFree: number;
  numFreeTextures: number;
  freeTextures: Record<string, { texture: unknown }[]> | null;
  gpgpu: { deleteMatrixTexture(texture: unknown): void };
}

export interface WebGlInternals {
  numBytesInGPU: number;
  textureManager: WebGlTextureManager;
  gl?: WebGL2RenderingContext;
}

/** The active backend's WebGPU internals, or null when it is not tfjs-webgpu 4.22's WebGPUBackend. */
export function webGpuInternals(): WebGpuInternals | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = tf.backend() as unknown as Partial<WebGpuInternals> & { adapterInfo?: Record<string, unknown> };
  if (!b.device || !(b.bufferManager?.freeBuffers instanceof Map)) return null;
  const info = b.adapterInfo;
  const adapterInfo = info ? { vendor: info.vendor as string | undefined, architecture: info.architecture as string | undefined } : undefined;
  return { device: b.device, bufferManager: b.bufferManager, adapterInfo };
}

/** The active backend's WebGL internals, or null when it is not tfjs-webgl 4.22's MathBackendWebGL. */
export function webGlInternals(): WebGlInternals | null {
  if (tf.getBackend() !== 'webgl') return null;
  const b = tf.backend() as unknown as { numBytesInGPU?: number; textureManager?: WebGlTextureManager; gpgpu?: { gl?: WebGL2RenderingContext } };
  const tm = b.textureManager;
  if (!tm || typeof tm._numBytesFree !== 'number' || typeof tm._numBytesAllocated !== 'number') return null;
  return { numBytesInGPU: b.numBytesInGPU ?? 0, textureManager: tm, gl: b.gpgpu?.gl };
}

/**
 * Submits the dispatches tfjs-webgpu has recorded so far. It returns a disposed buffer to its pool only when
 * the command buffer that used it is submitted (every 15 dispatches), and reuses pooled buffers of equal size
 * only: until then a request of the same size allocates another.
 */
export function submitRecorded(backend: WebGPUBackend): void {
  const b = backend as unknown as { commandEncoder: unknown; endComputePassEncoder(): void; submitQueue(): void };
  if (!b.commandEncoder) return;
  b.endComputePassEncoder();
  b.submitQueue();
}
