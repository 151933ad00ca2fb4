/**
 * The worker pool in Node: each fake worker is a real comlink endpoint (a MessageChannel whose far
 * port exposes an API), so tasks travel the same protocol as in the page; a crash is the 'error'
 * event a Worker fires on an uncaught error.
 */
import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, type PoolWorker } from '../../../src/platform/worker-pool';
import { StudioError } from '../../../src/lib/errors';
import { nextTask } from '../../support/next-task';

/** Tasks the test finishes by hand: `hold(key)` resolves when the test calls `finish(key)`. */
class Gate {
  private readonly open = new Map<string, () => void>();
  started: string[] = [];
  hold(key: string): Promise<void> {
    this.started.push(key);
    return new Promise((resolve) => this.open.set(key, resolve));
  }
  finish(key: string): void {
    this.open.get(key)!();
  }
}

interface TestApi {
  whoami(): number;
  hold(key: string): Promise<number>;
}

class FakeWorker extends EventTarget implements PoolWorker {
  private readonly channel = new MessageChannel();
  terminated = false;

  constructor(readonly index: number, gate: Gate) {
    super();
    this.channel.port1.addEventListener('message', (e) => this.dispatchEvent(new MessageEvent('message', { data: e.data })));
    this.channel.port1.start();
    const api: TestApi = {
      whoami: () => index,
      hold: async (key) => {
        await gate.hold(key);
        return index;
      },
    };
    expose(api, this.channel.port2);
  }

  postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
    this.channel.port1.postMessage(message, transfer as Transferable[]);
  }

  terminate(): void {
    this.terminated = true;
    this.channel.port1.close();
    this.channel.port2.close();
  }

  /** what a Worker does on an uncaught error inside it */
  crash(message: string): boolean {
    return this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
}

/** until `check` holds: messages cross the channel asynchronously */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await nextTask();
  expect(check()).toBe(true);
}

let pools: WorkerPool<TestApi>[] = [];
let spawned: FakeWorker[] = [];
let gate: Gate;

function pool(size: number): WorkerPool<TestApi> {
  gate = new Gate();
  const p = new WorkerPool<TestApi>(
    () => {
      const w = new FakeWorker(spawned.length, gate);
      spawned.push(w);
      return w;
    },
    { size, purpose: 'test' },
  );
  pools.push(p);
  return p;
}

afterEach(() => {
  pools.forEach((p) => p.terminate());
  spawned.forEach((w) => w.terminate());
  pools = [];
  spawned = [];
});

describe('WorkerPool', () => {
  it('starts `size` workers and spreads concurrent tasks over them', async () => {
    const p = pool(3);
    expect(p.workerCount).toBe(3);
    expect(spawned).toHaveLength(3);
    const tasks = ['a', 'b', 'c'].map((k) => p.run((api) => api.hold(k)));
    await until(() => gate.started.length === 3);
    ['a', 'b', 'c'].forEach((k) => gate.finish(k));
    expect((await Promise.all(tasks)).sort()).toEqual([0, 1, 2]);
  });

  it('queues tasks beyond the pool size until a worker is idle, then runs them on it', async () => {
    const p = pool(2);
    const a = p.run((api) => api.hold('a'));
    const b = p.run((api) => api.hold('b'));
    const c = p.run((api) => api.hold('c'));
    await until(() => gate.started.length === 2);
    for (let i = 0; i < 5; i++) await nextTask();
    expect(gate.started).toEqual(['a', 'b']);
    gate.finish('b');
    const ranB = await b;
    await until(() => gate.started.length === 3);
    expect(gate.started[2]).toBe('c');
    gate.finish('c');
    expect(await c).toBe(ranB);
    gate.finish('a');
    expect(await a).not.toBe(ranB);
  });

  it('a crashed worker rejects its task with a StudioError naming the pool, and is replaced', async () => {
    const p = pool(2);
    const a = p.run((api) => api.hold('a'));
    const b = p.run((api) => api.hold('b'));
    await until(() => gate.started.length === 2);
    const failed = expect(a).rejects.toSatisfy(
      (e) => e instanceof StudioError && e.code === 'internal' && e.message === 'A worker of the test pool crashed: wasm abort',
    );
    const crashed = spawned[0];
    expect(crashed.crash('wasm abort')).toBe(false); // the pool handled it (preventDefault): the page logs no uncaught error
    await failed;
    expect(crashed.terminated).toBe(true);
    expect(spawned).toHaveLength(3);
    expect(p.workerCount).toBe(2);
    // the replacement takes new tasks while the other worker is still busy
    expect(await p.run((api) => api.whoami())).toBe(2);
    gate.finish('b');
    expect(await b).toBe(1);
  });

  it('replaces an idle worker that crashes, without failing anything', async () => {
    const p = pool(1);
    spawned[0].crash('');
    expect(spawned).toHaveLength(2);
    expect(await p.run((api) => api.whoami())).toBe(1);
  });

  it('terminate stops every worker and refuses queued and later tasks', async () => {
    const p = pool(1);
    void p.run((api) => api.hold('a'));
    const queued = p.run((api) => api.whoami());
    await until(() => gate.started.length === 1);
    p.terminate();
    expect(spawned.every((w) => w.terminated)).toBe(true);
    await expect(queued).rejects.toThrow('The test pool is closed.');
    await expect(p.run((api) => api.whoami())).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'internal');
    expect(() => p.terminate()).not.toThrow(); // it threw "Proxy has been released" before
  });
});
