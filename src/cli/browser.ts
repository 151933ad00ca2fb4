/**
 * The headless studio of `npm run studio` (and of tests/browser, tests/e2e): serves the built studio
 * (dist/) with `vite preview` on localhost and drives Debian's Chromium through playwright-core.
 * It records every request, console error and long task so callers can report or assert on them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// import.meta.url works under Vitest and under tsx (plain Node ESM, without __dirname)
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags of every studio session (WebGPU on, nothing phoning home). */
export const launchArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Served {
  url: string;
  stop(): Promise<void>;
}

// Ports Chromium refuses to open (net::ERR_UNSAFE_PORT), from 4000 up: a test server drawn on 5061 failed a CI run.
const unsafePorts = new Set([4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080]);

/** A random port in [from, from + span) that Chromium will open. */
export function randomPort(from: number, span: number): number {
  for (;;) {
    const port = from + Math.floor(Math.random() * span);
    if (!unsafePorts.has(port)) return port;
  }
}

/**
 * `vite preview` of dist/ (or of the build in STUDIO_DIST, so two checks can serve two builds) on a free-ish
 * port; the build must exist (npm test builds first).
 */
export async function servePreview(port = randomPort(4300, 500)): Promise<Served> {
  const dist = path.resolve(repoRoot, process.env.STUDIO_DIST ?? 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does).`);
  }
  const viteBin = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [viteBin, 'preview', '--outDir', dist, '--port', String(port), '--strictPort', '--host', 'localhost'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = `http://localhost:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`vite preview did not start on ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
    },
  };
}

export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** every URL the page or its workers asked for */
  requests: string[];
  consoleErrors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  headless?: boolean;
  /** Chromium flags instead of `launchArgs` (e.g. without WebGPU, to make the studio fall back to WebGL) */
  args?: string[];
}

export async function openStudio(url: string, opts: OpenOptions = {}): Promise<Session> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: opts.headless ?? true,
    args: opts.args ?? launchArgs,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => {
    w.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`);
    });
  });
  // Long tasks on the main thread, observed from the first script on.
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      /* longtask unsupported: the array stays empty and tests say so */
    }
  });
  // What the main thread reads (IndexedDB stores, files): image bytes belong in the workers.
  await page.addInitScript(() => {
    const w = window as unknown as { __mainThreadReads: string[] };
    w.__mainThreadReads = [];
    const wrap = (proto: object, op: string, name: (self: unknown) => string) => {
      const p = proto as Record<string, (...a: unknown[]) => unknown>;
      const original = p[op];
      p[op] = function (this: unknown, ...args: unknown[]) {
        w.__mainThreadReads.push(name(this));
        return original.apply(this, args);
      };
    };
    for (const op of ['get', 'getAll', 'openCursor']) {
      wrap(IDBObjectStore.prototype, op, (s) => `indexedDB ${(s as IDBObjectStore).name}.${op}`);
      wrap(IDBIndex.prototype, op, (s) => `indexedDB ${(s as IDBIndex).objectStore.name}.${op}`);
    }
    wrap(Blob.prototype, 'arrayBuffer', (s) => `file ${s instanceof File ? s.name : 'blob'} (${(s as Blob).size} B)`);
  });
  await page.goto(url);
  return {
    browser,
    context,
    page,
    requests,
    consoleErrors,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}
