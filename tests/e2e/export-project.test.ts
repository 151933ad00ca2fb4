/**
 * The round trip through PyTorch, headless: `studio export-project` writes a training project from a tiny
 * folder, its train.py trains one epoch (one process, CPU), and `studio evaluate --weights --history` loads
 * that run back ("trained elsewhere"), scores every image, writes metrics.json and CAM PNGs; its logits equal
 * PyTorch's on the same stored images within 1e-4. Needs ../shared/data (cxr-dicom); the PyTorch half needs
 * Debian's python3 + torch + torchvision (STUDIO_PYTHON overrides) and says so when it skips.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../src/lib/dataset/csv';
import { repoRoot, sharedData } from '../support/browser';
import { PYTHON, runIn, torchMissing } from '../unit/export-project/fixture';

const cxr = path.join(sharedData, 'cxr-dicom');
const torchSkip = torchMissing();
if (torchSkip) console.warn(`export-project round trip: the PyTorch half is skipped: ${torchSkip}`);

function studio(args: string[]) {
  const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const r = spawnSync(process.execPath, [tsx, 'src/cli/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`studio ${args[0]} exited ${r.status}:\n${r.stderr}`);
  return r.stderr;
}

/** 12 images of each class, hard-linked into class folders. */
function tinyFolder(): string {
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'export-project-')), 'tiny');
  for (const label of ['NORMAL', 'PNEUMONIA']) {
    mkdirSync(path.join(root, label), { recursive: true });
    for (const f of readdirSync(path.join(cxr, label)).sort().slice(0, 12)) linkSync(path.join(cxr, label, f), path.join(root, label, f));
  }
  return root;
}

describe.skipIf(!existsSync(cxr))('export-project → train.py → evaluate (needs ../shared/data)', () => {
  it('exports a runnable project, and scores a folder with the weights train.py wrote', () => {
    const folder = tinyFolder();
    const common = ['--image-size', '32', '--split', '75/25/0', '--seed', '3'];
    const exported = path.join(path.dirname(folder), 'exported');
    console.log(studio(['export-project', folder, ...common, '--epochs', '1', '--batch', '6', '--width', '0.125', '--lr', '0.003', '--augment', 'off', '--out', exported]).trim());
    const project = path.join(exported, 'project');
    const config = JSON.parse(readFileSync(path.join(project, 'config.json'), 'utf8'));
    expect(config.train).toMatchObject({ epochs: 1, batchSize: 6, widthMultiplier: 0.125, lr: 0.003, imageSize: 32 });
    expect(config.train.augment.enabled).toBe(false);
    expect(config.data.classes).toEqual(['NORMAL', 'PNEUMONIA']);
    const index = csvRecords(readFileSync(path.join(project, 'index.csv'), 'utf8'));
    expect(index).toHaveLength(24);
    for (const row of index) expect(existsSync(path.join(project, row.path)), row.path).toBe(true);
    for (const f of ['train.py', 'README.md', 'requirements.txt', 'stats.json']) expect(existsSync(path.join(project, f)), f).toBe(true);
    if (torchSkip) return;

    console.log(runIn(project, PYTHON, ['train.py', '--workers', '0']).trim());

    // the same project without PNGs: train.py reads the original DICOM folder through pydicom
    const fromDicom = path.join(path.dirname(folder), 'exported-dicom');
    console.log(studio(['export-project', folder, ...common, '--source', 'dicom', '--epochs', '1', '--batch', '6', '--width', '0.125', '--augment', 'off', '--out', fromDicom]).trim());
    const dicomProject = path.join(fromDicom, 'project');
    expect(JSON.parse(readFileSync(path.join(dicomProject, 'config.json'), 'utf8')).data.source).toBe('dicom');
    expect(readdirSync(dicomProject, { recursive: true }).filter((f) => String(f).endsWith('.png'))).toEqual([]);
    const pydicomMissing = spawnSync(PYTHON, ['-c', 'import pydicom, gdcm']).status !== 0;
    if (pydicomMissing) console.warn('the DICOM-source training is skipped: no pydicom + gdcm (python3-pydicom python3-gdcm)');
    else console.log(runIn(dicomProject, PYTHON, ['train.py', '--workers', '0', '--dicom-root', folder]).trim());
    const run = path.join(project, 'runs/latest');
    const evaluated = path.join(path.dirname(folder), 'evaluated');
    console.log(studio(['evaluate', folder, ...common, '--weights', path.join(run, 'model.safetensors'), '--history', path.join(run, 'history.json'), '--cams', '2', '--out', evaluated]).trim());
    const report = JSON.parse(readFileSync(path.join(evaluated, 'report.json'), 'utf8'));
    expect(report.trainedElsewhere).toMatch(/^train\.py on .* \(cpu, 1 process\)$/);
    expect(report.normalisation.mean).toBeCloseTo(config.data.mean, 12);
    expect(report.normalisation.std).toBeCloseTo(config.data.std, 12);
    const metrics = JSON.parse(readFileSync(path.join(evaluated, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.sets ?? {})).not.toHaveLength(0);
    expect(report.cams).toHaveLength(2);
    for (const cam of report.cams) expect(existsSync(path.join(evaluated, 'cams', path.basename(cam))) || existsSync(cam), cam).toBe(true);

    // the same stored images through PyTorch (the project's PNGs, matched by source path)
    const predictions = csvRecords(readFileSync(path.join(evaluated, 'predictions-eval.csv'), 'utf8'));
    expect(predictions).toHaveLength(24);
    // the scored copy is named tiny-scored: match class folder and file name
    const tail = (p: string) => p.split('/').slice(-2).join('/');
    const pngOf = new Map(index.map((r) => [tail(r.source_path), r.path]));
    const paths = predictions.map((p) => pngOf.get(tail(p.file)) ?? '');
    expect(paths.filter((p) => p === '')).toEqual([]);
    const script = path.join(repoRoot, 'tests/scripts/project-logits.py');
    const torch = JSON.parse(runIn(project, PYTHON, [script, project, path.join(run, 'model.safetensors'), ...paths])) as { logits: number[][] };
    const deviation = Math.max(...predictions.map((p, i) => Math.abs(Number(p.logit) - torch.logits[i][0])));
    console.log(`evaluate vs torchvision logits on ${predictions.length} images: max |Δ| ${deviation.toExponential(2)}`);
    expect(deviation).toBeLessThan(1e-4);
  });
});
