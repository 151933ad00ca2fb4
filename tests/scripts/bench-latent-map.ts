/**
 * The latent map's speed on the bundled demo model: "Show a trained model", then the map of `--points` training
 * images (a seeded sample of the ~1,280 at 224 px), twice per backend, printing the time from the click on
 * Compute to the map drawn, the feature pass (training worker) and the projection (projection worker) apart.
 * The second map of the same set reuses the first one's features (as the panel does): it times the projection.
 * Usage: npm run build && npm run bench:latent-map [-- --points 1000 --backends webgl,webgpu --method umap]
 * (STUDIO_DIST=<dir> serves another build)
 */
import { chromiumArgsFor } from '../../src/cli/session';
import { openStudio, servePreview } from '../../src/cli/browser';
import { computeMap, showTrainedModel, type MapTiming } from '../support/latent-map';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const points = Number(option('points', '1000'));
  const method = option('method', 'umap') as 'umap' | 'pca';
  const backends = option('backends', 'webgl,webgpu').split(',') as Array<'webgl' | 'webgpu'>;
  const served = await servePreview();
  const rows: Array<{ backend: string; run: number } & MapTiming> = [];
  try {
    for (const backend of backends) {
      const session = await openStudio(served.url, { args: chromiumArgsFor(backend) });
      try {
        const t0 = Date.now();
        await showTrainedModel(session.page);
        console.log(`${backend}: trained model shown and evaluated in ${seconds(Date.now() - t0)}`);
        for (const run of [1, 2]) {
          const timing = await computeMap(session.page, { set: 'train', method, limit: points });
          rows.push({ backend, run, ...timing });
          console.log(
            `${backend} run ${run}: ${timing.points} points, click → map drawn ${seconds(timing.totalMs)} ` +
              `(feature pass ${run === 1 ? seconds(timing.featuresMs) : 'reused'}, ${method.toUpperCase()} ${seconds(timing.projectionMs)})`,
          );
        }
      } finally {
        await session.close();
      }
    }
  } finally {
    await served.stop();
  }
  console.log('\n| backend | run | points | click → drawn | feature pass | projection |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.backend} | ${r.run} | ${r.points} | ${seconds(r.totalMs)} | ${r.run === 1 ? seconds(r.featuresMs) : 'reused'} | ${seconds(r.projectionMs)} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
