import { describe, expect, it } from 'vitest';
import { noSessionReaders, readingSession, sessionReaders } from '../../../src/platform/session-guard';

describe('session guard', () => {
  it('lets a model replacement wait until every reader (nested ones too) has finished', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const inner = readingSession(async () => {
      await gate;
      return 'read';
    });
    const outer = readingSession(async () => `outer ${await inner()}`);
    const events: string[] = [];
    const reading = outer().then((r) => events.push(r));
    expect(sessionReaders()).toBe(2);
    const replaced = noSessionReaders().then(() => events.push('replaced'));
    await Promise.resolve();
    expect(events).toEqual([]);
    finish();
    await Promise.all([reading, replaced]);
    expect(events).toEqual(['outer read', 'replaced']);
    expect(sessionReaders()).toBe(0);
    await noSessionReaders(); // nothing running: resolves at once
  });

  it('counts a reader that throws as finished', async () => {
    const failing = readingSession(async () => {
      throw new Error('no model');
    });
    await expect(failing()).rejects.toThrow('no model');
    expect(sessionReaders()).toBe(0);
  });
});
