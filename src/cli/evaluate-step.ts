/**
 * `studio evaluate <folder> --weights model.safetensors [--history history.json]`: score and explain every image
 * of a folder with a model trained elsewhere, no training. The folder is imported twice: once as the dataset the
 * model is loaded for (its training split's mean and std normalise the input), once (a hard-linked copy named
 * `<folder>-scored`: the studio resumes, not repeats, an import of the same folder) as the external set scored whole. Writes predictions-eval.csv, metrics.json and CAM PNGs of the highest-loss images.
 */
import { copyFile, link, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strFromU8 } from 'fflate';
import { predictionsOfSplit } from '../lib/eval/predictions-csv';
import { StudioError } from '../lib/errors';
import { camImages } from './cam';
import { importFolder } from './import-step';
import type { StudioOptions } from './options';
import { waitOrError, type StudioSession } from './session';
import { showSet } from './train-step';
import { downloadBytes, need, sel, UI } from './ui';

/** Hard links (copies across file systems) of every file of `folder` under a new folder `<name>-scored`. */
async function scoredCopy(folder: string): Promise<string> {
  const root = path.join(await mkdtemp(path.join(os.tmpdir(), 'cxr-studio-evaluate-')), `${path.basename(path.resolve(folder))}-scored`);
  for (const e of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const source = path.join(e.parentPath, e.name);
    const target = path.join(root, path.relative(folder, source));
    await mkdir(path.dirname(target), { recursive: true });
    await link(path.resolve(source), target).catch(() => copyFile(source, target));
  }
  return root;
}

export async function evaluateFolder(session: StudioSession, o: StudioOptions, out: string, log: (line: string) => void) {
  const page = session.page;
  if (!o.weights) throw new StudioError('bad-config', '"evaluate" needs --weights <model.safetensors>.');
  const imported = await importFolder(page, o, path.join(out, 'dataset'), log);
  if (o.history) {
    // both files through "Load a run trained elsewhere": a run marked with where it was trained
    await need(page, UI.externalRunInput, 'to load a run trained elsewhere (--history)');
    await page.setInputFiles(sel(UI.externalRunInput), [o.weights, o.history]);
    await waitOrError(page, sel(UI.externalRunLoaded), 'Loading the run trained elsewhere', 600_000);
  } else {
    await need(page, UI.modelInput, 'to load --weights');
    await page.setInputFiles(sel(UI.modelInput), o.weights);
  }
  // a loaded model is scored on the dataset's splits, then a first CAM is drawn
  await waitOrError(page, `${sel(UI.camCanvas)}:not([data-drawn-for=""])`, 'Loading the model', 1_800_000);
  const origin = o.history ? await page.getAttribute(sel(UI.externalRunLoaded), 'data-origin') : null;
  const whole = await importFolder(page, { folder: await scoredCopy(o.folder), labels: o.labels, imageSize: imported.imageSize }, null, log);
  log(`scoring all ${whole.imported} images of ${o.folder}…`);
  await showSet(page, `external:${whole.datasetId}`, `external: ${whole.name}`);
  const { text, rows } = predictionsOfSplit(strFromU8((await downloadBytes(page, UI.exportPredictions, 'to save predictions')).bytes), 'external');
  await writeFile(path.join(out, 'predictions-eval.csv'), text);
  const { bytes } = await downloadBytes(page, UI.exportMetrics, 'to save metrics.json');
  await writeFile(path.join(out, 'metrics.json'), bytes);
  const cams = await camImages(page, path.join(out, 'predictions-eval.csv'), imported.classes, o.cams, path.join(out, 'cams'));
  log(`scored ${rows} images; ${cams.files.length} CAM PNG(s) in ${path.join(out, 'cams')}`);
  return {
    command: 'evaluate',
    backend: session.backend,
    import: imported,
    weights: path.resolve(o.weights),
    trainedElsewhere: origin,
    // the input is z-scored with the imported folder's training-split statistics
    normalisation: { mean: imported.mean, std: imported.std },
    predictions: { file: 'predictions-eval.csv', rows },
    metrics: (JSON.parse(strFromU8(bytes)) as { sets?: unknown }).sets ?? null,
    cams: cams.files,
    gaps: [] as string[],
  };
}
