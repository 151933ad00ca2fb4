import { describe, expect, it } from 'vitest';
import { randomPort } from '../../../src/cli/browser';

describe('randomPort', () => {
  it("stays in its range and never draws a port Chromium refuses (5060/5061, SIP)", () => {
    const drawn = new Set<number>();
    for (let i = 0; i < 2000; i++) drawn.add(randomPort(5058, 6));
    expect([...drawn].sort()).toEqual([5058, 5059, 5062, 5063]);
  });
});
