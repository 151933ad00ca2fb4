import { describe, expect, it } from 'vitest';
import { StudioError, type StudioErrorData } from '../../../src/lib/errors';
import type { GpuDeviceLike } from '../../../src/lib/tfjs-internals';
import { GpuProblems, mayBeDeviceLoss } from '../../../src/platform/gpu-problems';
import { nextTask as flush } from '../../support/next-task';

/** A device whose loss and uncaptured errors the test triggers, as a GPUDevice delivers them. */
function fakeDevice() {
  let lose!: (info: { reason: string; message: string }) => void;
  const listeners: ((event: { error?: { message?: string; constructor?: { name?: string } } }) => void)[] = [];
  const device: GpuDeviceLike = {
    lost: new Promise((resolve) => (lose = resolve)),
    limits: {},
    addEventListener: (_type, listener) => void listeners.push(listener),
    destroy: () => lose({ reason: 'destroyed', message: 'Device was destroyed.' }),
  };
  class GPUOutOfMemoryError extends Error {}
  class GPUValidationError extends Error {}
  return {
    device,
    raise: (error: Error) => listeners.forEach((l) => l({ error })),
    outOfMemory: (m: string) => new GPUOutOfMemoryError(m),
    validation: (m: string) => new GPUValidationError(m),
  };
}

describe('GpuProblems', () => {
  it('a loss while idle reaches every subscriber once, advising a reload', async () => {
    const gpu = new GpuProblems(() => false);
    const fake = fakeDevice();
    expect(gpu.watch(fake.device)).toBe(true);
    expect(gpu.watch(fake.device)).toBe(true); // hooked once
    const heard: StudioErrorData[] = [];
    gpu.subscribe((e) => heard.push(e));
    fake.device.destroy();
    await flush();
    expect(heard).toHaveLength(1);
    expect(heard[0].code).toBe('device-lost');
    expect(heard[0].message).toContain('(destroyed: Device was destroyed.)');
    expect(heard[0].message).toContain('Reload the page to use the GPU again');
    expect(gpu.lost).toBe(true);
  });

  it('a loss while training advises resuming, and the failed run returns the very same message', async () => {
    let training = true;
    const gpu = new GpuProblems(() => training);
    const fake = fakeDevice();
    gpu.watch(fake.device);
    const heard: StudioErrorData[] = [];
    gpu.subscribe((e) => heard.push(e));
    fake.device.destroy();
    await flush();
    training = false; // the run ends after the loss; the advice stays the one for an interrupted run
    expect(heard.map((e) => e.message)).toEqual([gpu.lostError().message]);
    expect(heard[0].message).toContain('Resume interrupted run');
  });

  it('a subscriber that comes after the loss hears of it at once', async () => {
    const gpu = new GpuProblems(() => false);
    const fake = fakeDevice();
    gpu.watch(fake.device);
    fake.device.destroy();
    await flush();
    const heard: StudioErrorData[] = [];
    gpu.subscribe((e) => heard.push(e));
    expect(heard.map((e) => e.code)).toEqual(['device-lost']);
  });

  it('uncaptured errors: out of memory and others get their codes, each distinct one told once', () => {
    const gpu = new GpuProblems(() => true);
    const fake = fakeDevice();
    gpu.watch(fake.device);
    const heard: StudioErrorData[] = [];
    const stop = gpu.subscribe((e) => heard.push(e));
    fake.raise(fake.outOfMemory('Not enough memory left.'));
    fake.raise(fake.outOfMemory('Not enough memory left.'));
    fake.raise(fake.validation('Binding size is larger than the maximum.'));
    expect(heard.map((e) => e.code)).toEqual(['out-of-memory', 'gpu-error']);
    expect(heard[1].message).toContain('GPUValidationError: Binding size is larger than the maximum.');
    stop();
    fake.raise(fake.validation('another'));
    expect(heard).toHaveLength(2);
  });

  it('lostSoon waits for a loss that is told after the failure it caused, and gives up after its wait', async () => {
    const gpu = new GpuProblems(() => true);
    const fake = fakeDevice();
    gpu.watch(fake.device);
    expect(await gpu.lostSoon(10)).toBe(false);
    const asked = gpu.lostSoon(5000);
    fake.device.destroy();
    expect(await asked).toBe(true);
    expect(gpu.lostError().message).toContain('Resume interrupted run');
  });

  it('off WebGPU there is no device to watch', () => {
    expect(new GpuProblems(() => false).watch(undefined)).toBe(false);
  });
});

describe('mayBeDeviceLoss', () => {
  it('waits for a loss only on plain errors and internal StudioErrors', () => {
    expect(mayBeDeviceLoss(new Error('GPU op failed'))).toBe(true);
    expect(mayBeDeviceLoss('thrown string')).toBe(true);
    expect(mayBeDeviceLoss(new StudioError('internal', 'Training diverged'))).toBe(true);
    expect(mayBeDeviceLoss(new StudioError('dataset-deleted', 'gone'))).toBe(false);
    expect(mayBeDeviceLoss(new StudioError('bad-weights', 'bad'))).toBe(false);
  });
});
