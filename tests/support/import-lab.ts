/**
 * The import lab page (tests/browser/pages/import-lab.ts) through a Vite dev server, with the shared data folder
 * served at /__shared/…; and the cxr-dicom folder's files as the page names them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { openStudio, randomPort, repoRoot, sharedData, type Session } from './browser';
import type { ScaledComparison } from '../browser/pages/import-lab';

export const cxrDir = path.join(sharedData, 'cxr-dicom');

export function cxrFiles(): string[] {
  return existsSync(cxrDir) ? readdirSync(cxrDir).flatMap((c) => readdirSync(path.join(cxrDir, c)).map((f) => `cxr-dicom/${c}/${f}`)) : [];
}

export interface ImportLab {
  /** each file rendered at `size` by the full WASM decode and by the browser's decoder at a DCT scale */
  compare(files: string[], size: number): Promise<ScaledComparison[]>;
  close(): Promise<void>;
}

export async function openImportLab(): Promise<ImportLab> {
  const server: ViteDevServer = await createServer({
    root: repoRoot,
    configFile: path.join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: randomPort(5300, 400), strictPort: true, host: 'localhost', hmr: false, watch: null },
    optimizeDeps: { entries: ['tests/browser/pages/import-lab.html'] },
  });
  await server.listen();
  const session: Session = await openStudio('about:blank');
  await session.page.route('**/__shared/**', async (route) => {
    const file = path.resolve(sharedData, decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/__shared\//, '')));
    if (!file.startsWith(sharedData + path.sep)) return route.fulfill({ status: 403 });
    await route.fulfill({ status: 200, body: readFileSync(file) });
  });
  await session.page.goto(`${server.resolvedUrls!.local[0]}tests/browser/pages/import-lab.html`, { timeout: 300_000 });
  await session.page.waitForFunction(() => 'lab' in window, undefined, { timeout: 120_000 });
  return {
    compare: (files, size) =>
      session.page.evaluate(
        ([list, s]) => (window as unknown as { lab: { compare(f: string[], s: number): Promise<ScaledComparison[]> } }).lab.compare(list, s),
        [files, size] as const,
      ),
    async close() {
      await session.close();
      await server.close();
    },
  };
}
