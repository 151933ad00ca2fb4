/**
 * A headless studio session for the CLI: serve dist/ (built first when missing), open Debian's Chromium
 * with the flags of ./browser.ts, and wait for the backend badge. The backend is chosen the
 * way a person's browser would force it: without WebGPU the studio falls back to WebGL by itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchArgs, openStudio, repoRoot, servePreview, type Served, type Session } from './browser';
import { StudioError } from '../lib/errors';
import type { BackendChoice, KernelChoice } from './options';

export interface StudioSession {
  page: Page;
  served: Served;
  browser: Session;
  backend: { name: string; adapter: string; software: boolean; kernels?: string };
  close(): Promise<void>;
}

/** Chromium flags that leave the studio exactly the backend asked for (it tries webgpu → webgl → cpu). */
export function chromiumArgsFor(backend: BackendChoice | undefined): string[] {
  if (!backend || backend === 'webgpu') return launchArgs;
  const noWebGpu = [...launchArgs.filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU'];
  // no GPU process at all: neither WebGPU nor WebGL (also in workers' OffscreenCanvas)
  return backend === 'webgl' ? noWebGpu : [...noWebGpu, '--disable-gpu', '--disable-software-rasterizer', '--disable-3d-apis'];
}

export function ensureBuilt(log: (line: string) => void): void {
  if (existsSync(path.join(repoRoot, 'dist/index.html'))) return;
  log('dist/ is missing: building the studio (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new StudioError('internal', `npm run build failed (exit ${r.status}).`);
}

/** The visible error banner's "[code] message", or null. */
export async function visibleError(page: Page): Promise<string | null> {
  const banner = page.locator('[data-testid="error"]');
  if ((await banner.count()) === 0) return null;
  return `[${await banner.first().getAttribute('data-code')}] ${(await banner.first().innerText()).replace(/\s*Dismiss\s*$/, '').trim()}`;
}

/**
 * Wait for `selector`, failing as soon as the studio shows an error (its one visible error place).
 * `what` names the step in the failure line.
 */
export async function waitOrError(page: Page, selector: string, what: string, timeoutMs: number): Promise<void> {
  const errorSel = '[data-testid="error"]';
  const deadline = Date.now() + timeoutMs;
  // either may show and vanish again while the page re-renders: wait until one of them is there when looked at
  for (;;) {
    try {
      await page.waitForSelector(`${selector}, ${errorSel}`, { timeout: Math.max(1, deadline - Date.now()) });
    } catch {
      throw new StudioError('internal', `${what}: nothing happened within ${Math.round(timeoutMs / 1000)} s.`);
    }
    if ((await page.locator(selector).count()) > 0) return;
    const error = await visibleError(page);
    if (error !== null) throw new StudioError('internal', `${what} failed in the studio: ${error}`);
  }
}

export async function openSession(backend: BackendChoice | undefined, log: (line: string) => void, kernels?: KernelChoice): Promise<StudioSession> {
  ensureBuilt(log);
  const served = await servePreview();
  let browser: Session;
  try {
    browser = await openStudio(kernels ? `${served.url}?kernels=${kernels}` : served.url, { args: chromiumArgsFor(backend) });
  } catch (e) {
    await served.stop();
    throw e;
  }
  const close = async () => {
    await browser.close().catch(() => undefined);
    await served.stop();
  };
  try {
    const page = browser.page;
    await waitOrError(page, '[data-testid="backend"][data-backend]:not([data-backend=""])', 'Starting the tfjs backend', 120_000);
    const badge = page.locator('[data-testid="backend"]');
    const name = (await badge.getAttribute('data-backend')) ?? '';
    const text = (await badge.innerText()).trim();
    const software = text.includes('software adapter');
    const adapter = text.replace(/^\S+\s*/, '').replace(/\s*·\s*software adapter$/, '').replace(/\s*·\s*(studio|stock) kernels$/, '').trim();
    const kernelsUsed = (await badge.getAttribute('data-kernels')) || undefined;
    if (backend && name !== backend) {
      throw new StudioError('no-gpu', `--backend ${backend} was asked for, but this browser has no ${backend} adapter (the studio chose ${name}: ${adapter}).`);
    }
    log(`backend: ${name} (${adapter}${software ? ', software' : ''}${kernelsUsed ? `, ${kernelsUsed} kernels` : ''})`);
    return { page, served, browser, backend: { name, adapter, software, ...(kernelsUsed ? { kernels: kernelsUsed } : {}) }, close };
  } catch (e) {
    await close();
    throw e;
  }
}
