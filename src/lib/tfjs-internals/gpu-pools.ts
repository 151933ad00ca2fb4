/**
 * GPU memory of tfjs's GPU backends, read from their allocators. tfjs-backend-webgpu 4.22's BufferManager
 * pools every released GPUBuffer by exact (size, usage) and never destroys one; tfjs-backend-webgl's
 * TextureManager pools textures by shape the same way. So "allocated" only grows: a batch of a new shape
 * (validation's last partial batch, a different micro-batch) adds buffers that stay for good, until
 * releasePooledGpuBuffers() destroys the idle ones.
 */
import { webGlInternals, webGpuInternals, type WebGlInternals, type WebGpuBufferManager } from './backends';

export interface GpuBufferStats {
  /** bytes held by live tensors (and, on WebGPU, in-flight uniforms/staging) */
  usedBytes: number;
  /** bytes of all GPU buffers / textures the backend holds: used + pooled idle ones */
  allocatedBytes: number;
}

/** A backend's pooling allocator, seen from outside. */
export interface GpuPool {
  stats(): GpuBufferStats;
  /** destroys every idle pooled buffer / texture; returns the bytes given back */
  release(): number;
}

function webGpuPool(bm: WebGpuBufferManager): GpuPool {
  return {
    stats: () => ({ usedBytes: bm.numBytesUsed, allocatedBytes: bm.numBytesAllocated }),
    // The per-key arrays are emptied in place, not replaced: BufferManager.releaseBuffer silently does
    // nothing when its freeBuffers map is empty, which would leak every buffer released afterwards.
    release: () => {
      let freed = 0;
      for (const buffers of bm.freeBuffers.values()) {
        for (const b of buffers) {
          freed += b.size;
          b.destroy();
        }
        bm.numFreeBuffers -= buffers.length;
        buffers.length = 0;
      }
      bm.numBytesAllocated -= freed;
      return freed;
    },
  };
}

function webGlPool(backend: WebGlInternals): GpuPool {
  const tm = backend.textureManager;
  return {
    stats: () => ({ usedBytes: backend.numBytesInGPU, allocatedBytes: tm.numBytesAllocated }),
    // _numBytesFree is exactly the bytes of the textures in freeTextures (TextureManager keeps both in step)
    release: () => {
      if (!tm.freeTextures) return 0;
      for (const textures of Object.values(tm.freeTextures)) {
        for (const t of textures) tm.gpgpu.deleteMatrixTexture(t.texture);
        textures.length = 0;
      }
      const freed = tm._numBytesFree;
      tm._numBytesAllocated -= freed;
      tm._numBytesFree = 0;
      tm.numFreeTextures = 0;
      return freed;
    },
  };
}

/** The active backend's pool; null when it is neither WebGPU nor WebGL (or their internals differ). */
export function gpuPool(): GpuPool | null {
  const gpu = webGpuInternals();
  if (gpu) return webGpuPool(gpu.bufferManager);
  const gl = webGlInternals();
  return gl ? webGlPool(gl) : null;
}

/** null when the backend is neither WebGPU nor WebGL. */
export function gpuBufferStats(): GpuBufferStats | null {
  return gpuPool()?.stats() ?? null;
}

/** Destroys every idle pooled GPU buffer (WebGPU) or texture (WebGL); returns the bytes given back (0 elsewhere). */
export function releasePooledGpuBuffers(): number {
  return gpuPool()?.release() ?? 0;
}

export interface GpuLimits {
  /** largest single GPUBuffer, bytes */
  maxBufferBytes: number;
  /** largest storage-buffer binding (one tensor in a shader), bytes */
  maxBindingBytes: number;
}

/** The limits of the device tfjs opened (it asks for the adapter's maxima); null off WebGPU. */
export function gpuLimits(): GpuLimits | null {
  const limits = webGpuInternals()?.device.limits;
  if (!limits?.maxBufferSize || !limits.maxStorageBufferBindingSize) return null;
  return { maxBufferBytes: limits.maxBufferSize, maxBindingBytes: limits.maxStorageBufferBindingSize };
}
