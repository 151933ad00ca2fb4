/** Bytes the page sends to the training worker move (the sender's buffer is detached) instead of being copied. */
import { expose, wrap, type Remote } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesTransferred } from '../../../src/platform/bytes-transferred';

interface Api {
  sum(name: string, bytes: Uint8Array): number;
}

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

function remote(): Remote<Api> {
  const channel = new MessageChannel();
  channels.push(channel);
  expose({ sum: (_name: string, bytes: Uint8Array) => bytes.reduce((a, b) => a + b, 0) } satisfies Api, channel.port2);
  return wrap<Api>(channel.port1);
}

describe('bytesTransferred', () => {
  it('moves a Uint8Array that owns its buffer: the worker gets every byte, the page keeps none', async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    expect(await bytesTransferred(remote()).sum('w.pth', bytes)).toBe(256);
    expect(bytes.byteLength).toBe(0);
  });

  it('copies a view into a larger buffer (moving it would take the rest of the buffer away)', async () => {
    const buffer = new Uint8Array([9, 1, 2, 3, 9]);
    const view = buffer.subarray(1, 4);
    expect(await bytesTransferred(remote()).sum('part', view)).toBe(6);
    expect(view.byteLength).toBe(3);
    expect(buffer.byteLength).toBe(5);
  });

  it('without the wrapper comlink copies', async () => {
    const bytes = new Uint8Array([4, 5]);
    expect(await remote().sum('w', bytes)).toBe(9);
    expect(bytes.byteLength).toBe(2);
  });
});
