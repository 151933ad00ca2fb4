/**
 * The exported model, loaded in a fresh studio (new browser profile: empty IndexedDB) through the model
 * panel's file input, must reproduce predictions-eval.csv: same folders imported the same way, the
 * external set scored again, logits compared file by file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8 } from 'fflate';
import { csvRecords } from '../lib/dataset/csv';
import { predictionsOfSplit } from '../lib/eval/predictions-csv';
import { StudioError } from '../lib/errors';
import { importFolder } from './import-step';
import type { StudioOptions } from './options';
import { openSession, waitOrError } from './session';
import { showSet } from './train-step';
import { downloadBytes, need, sel, UI } from './ui';

export interface ReloadCheck {
  rows: number;
  /** largest |logit difference| over every image and output */
  maxAbsLogitDifference: number;
}

export async function reloadCheck(o: StudioOptions, imageSize: number, out: string, log: (line: string) => void): Promise<ReloadCheck> {
  if (!o.eval) throw new StudioError('internal', 'The reload check needs --eval.');
  log('reload check: a fresh studio loads model.safetensors…');
  const session = await openSession(o.backend, log, o.kernels);
  try {
    const page = session.page;
    await importFolder(page, { folder: o.folder, labels: o.labels, imageSize, split: o.split, seed: o.seed }, null, log);
    await need(page, UI.modelInput, 'to load the exported model');
    await page.setInputFiles(sel(UI.modelInput), path.join(out, 'model.safetensors'));
    await waitOrError(page, `${sel(UI.camCanvas)}:not([data-drawn-for=""])`, 'Loading the exported model', 1_800_000);
    const ev = await importFolder(page, { folder: o.eval, labels: o.evalLabels, imageSize }, null, log);
    await showSet(page, `external:${ev.datasetId}`, `external: ${ev.name}`);
    const again = csvRecords(predictionsOfSplit(strFromU8((await downloadBytes(page, UI.exportPredictions, 'to save predictions')).bytes), 'external').text);
    const first = new Map(csvRecords(await readFile(path.join(out, 'predictions-eval.csv'), 'utf8')).map((r) => [r.file, r.logit]));
    if (again.length !== first.size) throw new StudioError('internal', `The reloaded model scored ${again.length} images, the first run ${first.size}.`);
    let max = 0;
    for (const r of again) {
      const a = r.logit.split(';').map(Number);
      const b = (first.get(r.file) ?? '').split(';').map(Number);
      if (a.length !== b.length) throw new StudioError('internal', `${r.file}: the first run has no logits for it.`);
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    log(`reload check: ${again.length} images, max |Δlogit| ${max.toExponential(2)}`);
    return { rows: again.length, maxAbsLogitDifference: max };
  } finally {
    await session.close();
  }
}
