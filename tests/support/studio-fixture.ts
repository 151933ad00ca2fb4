/**
 * The preamble of the e2e tests: serve the build and open the studio around a describe block. The flow
 * steps several tests share live in ./studio-steps (no vitest there, so scripts can use them) and are
 * re-exported here.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { openStudio, servePreview, type OpenOptions, type Served, type Session } from './browser';

export * from './studio-steps';

export interface StudioFixtureOptions extends OpenOptions {
  /** appended to the served URL after '?', e.g. 'kernels=stock' */
  query?: string;
  /** open about:blank instead of the studio (to prepare the origin, e.g. its quota, before the studio loads) */
  startBlank?: boolean;
}

export interface StudioFixture {
  readonly served: Served;
  readonly session: Session;
  readonly page: Page;
}

/** Registers beforeAll/afterAll in the calling describe block: one served build and one studio page for its tests. */
export function studioFixture(options: StudioFixtureOptions = {}): StudioFixture {
  const { query, startBlank, ...open } = options;
  let served: Served | undefined;
  let session: Session | undefined;
  beforeAll(async () => {
    served = await servePreview();
    session = await openStudio(startBlank ? 'about:blank' : query ? `${served.url}?${query}` : served.url, open);
  });
  afterAll(async () => {
    await session?.close();
    await served?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('studioFixture: the studio is not open (beforeAll has not run or failed)');
    return value;
  };
  return {
    get served() {
      return started(served);
    },
    get session() {
      return started(session);
    },
    get page() {
      return started(session).page;
    },
  };
}
