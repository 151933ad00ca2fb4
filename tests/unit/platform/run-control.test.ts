import { describe, expect, it } from 'vitest';
import { RunControl } from '../../../src/platform/run-control';

/** Whether `p` has settled once pending microtasks have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe('RunControl', () => {
  it('lets a run through when not paused', async () => {
    const control = new RunControl();
    expect(await settled(control.waitWhilePaused())).toBe(true);
    expect(control.cancelled).toBe(false);
  });

  it('holds a paused run until resumed', async () => {
    const control = new RunControl();
    control.pause();
    const waiting = control.waitWhilePaused();
    expect(await settled(waiting)).toBe(false);
    control.resume();
    expect(await settled(waiting)).toBe(true);
    expect(await settled(control.waitWhilePaused())).toBe(true);
  });

  it('wakes a paused run when cancelled, and reports the cancel', async () => {
    const control = new RunControl();
    control.pause();
    const waiting = control.waitWhilePaused();
    control.cancel();
    expect(await settled(waiting)).toBe(true);
    expect(control.cancelled).toBe(true);
  });

  it('starts a run neither paused nor cancelled after reset', async () => {
    const control = new RunControl();
    control.pause();
    control.cancel();
    control.pause();
    control.reset();
    expect(control.cancelled).toBe(false);
    expect(await settled(control.waitWhilePaused())).toBe(true);
  });
});
