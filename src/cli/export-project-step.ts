/**
 * `studio export-project <folder>`: import the folder, set the training panel as for `train`, then the model
 * panel's "Export training project" download (dataset export + train.py, config.json, README.md,
 * requirements.txt), unzipped into `<out>/project`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { StudioError } from '../lib/errors';
import { importFolder } from './import-step';
import type { StudioOptions } from './options';
import type { StudioSession } from './session';
import { configShown, setConfig } from './train-step';
import { downloadBytes, need, sel, UI } from './ui';

export async function exportProject(session: StudioSession, o: StudioOptions, out: string, log: (line: string) => void) {
  const page = session.page;
  const imported = await importFolder(page, o, null, log);
  await setConfig(page, o);
  if (o.source !== undefined) {
    await need(page, UI.exportProjectDicom, 'for --source');
    await page.locator(sel(UI.exportProjectDicom)).setChecked(o.source === 'dicom');
  }
  const configuration = await configShown(page);
  log(`exporting a training project with ${JSON.stringify(configuration)}…`);
  const { name, bytes } = await downloadBytes(page, UI.exportProject, 'to export the training project', 1_800_000);
  const dir = path.join(out, 'project');
  const files = unzipSync(bytes);
  for (const [entry, content] of Object.entries(files)) {
    const target = path.join(dir, entry);
    if (!target.startsWith(dir + path.sep)) throw new StudioError('internal', `Project entry outside the folder: ${entry}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  for (const needed of ['train.py', 'config.json', 'README.md', 'requirements.txt', 'index.csv', 'stats.json'])
    if (!files[needed]) throw new StudioError('internal', `The training project lacks ${needed}.`);
  log(`wrote ${Object.keys(files).length} files of ${name} to ${dir}`);
  return {
    command: 'export-project',
    backend: session.backend,
    import: imported,
    configuration,
    project: { folder: dir, zip: name, files: Object.keys(files).length, config: JSON.parse(strFromU8(files['config.json'])) as unknown },
    gaps: [] as string[],
  };
}
