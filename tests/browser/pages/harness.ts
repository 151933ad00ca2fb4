/**
 * Node side of the model lab: a Vite dev server over the repository (no build needed) and Chromium
 * (tests/support/browser.ts) on tests/browser/pages/model-lab.html. `/__shared/<path>` is answered
 * from the shared data folder by page.route(), so nothing is copied into the repository.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { openStudio, randomPort, repoRoot, sharedData, type Session } from '../../support/browser';

export interface Lab {
  session: Session;
  close(): Promise<void>;
}

/** The model lab (tfjs on WebGPU) or another page of tests/browser/pages, e.g. 'storage-lab'. */
export async function openModelLab(pageName = 'model-lab'): Promise<Lab> {
  const server: ViteDevServer = await createServer({
    root: repoRoot,
    configFile: path.join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    // No HMR/watching: an edit elsewhere in the tree must not reload the page mid-measurement.
    server: { port: randomPort(4800, 400), strictPort: true, host: 'localhost', hmr: false, watch: null },
    // Pre-bundle tfjs for this page only (the app's own entry is not needed here).
    optimizeDeps: { entries: [`tests/browser/pages/${pageName}.html`], include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'] },
  });
  await server.listen();
  const base = server.resolvedUrls!.local[0];
  let session: Session | undefined;
  try {
    session = await openStudio('about:blank');
    await session.page.route('**/__shared/**', async (route) => {
      const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/__shared\//, ''));
      const file = path.resolve(sharedData, rel);
      if (!file.startsWith(sharedData + path.sep)) return route.fulfill({ status: 403 });
      try {
        await route.fulfill({ status: 200, body: readFileSync(file) });
      } catch {
        await route.fulfill({ status: 404 });
      }
    });
    session.page.on('console', (m) => {
      if (m.type() === 'log' || m.type() === 'warning') console.log(`[page] ${m.text()}`);
    });
    // STUDIO_KERNELS=stock: the page keeps tfjs's stock WebGPU kernels (model lab), for side-by-side runs
    const query = process.env.STUDIO_KERNELS === 'stock' ? '?kernels=stock' : '';
    await session.page.goto(`${base}tests/browser/pages/${pageName}.html${query}`, { timeout: 300_000 });
    await session.page.waitForFunction(() => 'lab' in window, undefined, { timeout: 120_000 });
    const backend = await session.page.evaluate(() => (window as unknown as { lab: { ready: Promise<string> } }).lab.ready);
    if (pageName !== 'storage-lab' && backend !== 'webgpu') throw new Error(`model lab runs on ${backend}, not webgpu`);
  } catch (e) {
    await session?.close();
    await server.close();
    throw e;
  }
  const opened = session;
  return {
    session: opened,
    close: async () => {
      await opened.close();
      await server.close();
    },
  };
}
