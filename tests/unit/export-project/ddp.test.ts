/**
 * An exported training project runs as its README says: one process and torchrun with two processes on the
 * CPU (gloo); the studio loads the model.safetensors it writes and its logits equal PyTorch's on 8 stored images.
 * Skips, saying why, without Debian's python3 + torch + torchvision (STUDIO_PYTHON overrides the interpreter).
 */
import * as tf from '@tensorflow/tfjs';
import { decode as decodePng } from 'fast-png';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/lib/dataset/csv';
import { parseExternalHistory } from '../../../src/lib/export-project/history';
import { LAUNCH } from '../../../src/lib/export-project/readme';
import { toInputTensor } from '../../../src/lib/model/input-tensor';
import { createResNet18, forward } from '../../../src/lib/model/resnet';
import { readSafetensors } from '../../../src/lib/model/safetensors';
import { loadStateDict } from '../../../src/lib/model/state-dict';
import { exportTinyProject, launchArgs, PYTHON, runIn, torchMissing, type ExportedProject } from './fixture';

const skipReason = torchMissing();
if (skipReason) console.warn(`skipping the exported PyTorch project: ${skipReason}`);

const logitsScript = path.resolve(__dirname, '../../scripts/project-logits.py');

describe.skipIf(skipReason !== null)('exported PyTorch training project (CPU)', () => {
  let project: ExportedProject;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    project = await exportTinyProject(40);
  });

  it('train.py --help documents every option', () => {
    const options = [...readFileSync(path.join(project.dir, 'train.py'), 'utf8').matchAll(/add_argument\("(--[a-z-]+)"/g)].map((m) => m[1]);
    expect(options.length).toBeGreaterThan(15);
    // --help's text, then every option whose help is empty (none)
    const probe = [
      'import argparse, contextlib, io, train',
      'text = io.StringIO()',
      'with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit): train.parse_args(["--help"])',
      'argparse.ArgumentParser.parse_args = lambda self, argv=None: print(text.getvalue() + "UNDOCUMENTED " + repr([a.option_strings for a in self._actions if not a.help]))',
      'train.parse_args([])',
    ].join('\n');
    const out = runIn(project.dir, PYTHON, ['-c', probe]);
    for (const option of options) expect(out, option).toContain(option);
    expect(out).toContain('UNDOCUMENTED []');
  });

  it("the README's one-process line trains an epoch and writes model.safetensors and history.json", () => {
    const readme = readFileSync(path.join(project.dir, 'README.md'), 'utf8');
    expect(readme).toContain(LAUNCH.oneProcess);
    const out = runIn(project.dir, PYTHON, launchArgs(LAUNCH.oneProcess, ['--workers', '0', '--out', 'runs/one']));
    console.log(out.trim());
    const history = parseExternalHistory(readFileSync(path.join(project.dir, 'runs/one/history.json'), 'utf8'));
    expect(history.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(history.origin.processes).toBe(1);
    expect(history.epochs[0].stepLosses).toHaveLength(4); // 32 training images, batch 8
  });

  it("the README's torchrun line (2 processes, gloo) trains; the studio's logits from its weights equal PyTorch's within 1e-4", async () => {
    const readme = readFileSync(path.join(project.dir, 'README.md'), 'utf8');
    expect(readme).toContain(LAUNCH.twoProcessesCpu);
    const out = runIn(project.dir, PYTHON, launchArgs(LAUNCH.twoProcessesCpu, ['--epochs', '1', '--workers', '0', '--out', 'runs/ddp']));
    console.log(out.trim().split('\n').slice(-3).join('\n'));
    const weights = path.join(project.dir, 'runs/ddp/model.safetensors');
    expect(existsSync(weights)).toBe(true);
    const history = parseExternalHistory(readFileSync(path.join(project.dir, 'runs/ddp/history.json'), 'utf8'));
    expect(history.origin).toMatchObject({ trainedWith: 'train.py', processes: 2, device: 'cpu' });
    expect(history.epochs[0].stepLosses).toHaveLength(4); // 16 images per process, 4 per process and step

    const rows = parseCsv(readFileSync(path.join(project.dir, 'index.csv'), 'utf8'));
    const pngs = rows.slice(1).filter((r) => r[3] === 'val').slice(0, 8).map((r) => r[0]);
    expect(pngs).toHaveLength(8);
    const reference = JSON.parse(runIn(project.dir, PYTHON, [logitsScript, project.dir, weights, ...pngs])) as { torch: string; logits: number[][] };

    const { mean, std } = project.dataset.stats!;
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 1);
    loadStateDict(model, readSafetensors(new Uint8Array(readFileSync(weights))), { adaptImageNet: false });
    const pixels = pngs.map((p) => decodePng(readFileSync(path.join(project.dir, p))).data as Uint8Array);
    const x = toInputTensor(pixels, 32, mean, std);
    const { logits, features } = forward(model, x, { training: false });
    const ours = Array.from(await logits.data());
    tf.dispose([x, logits, features]);
    model.dispose();
    const deviation = Math.max(...ours.map((v, i) => Math.abs(v - reference.logits[i][0])));
    console.log(`studio vs torch ${reference.torch} logits on 8 images: max |Δ| ${deviation.toExponential(2)}`);
    expect(deviation).toBeLessThan(1e-4);
  });
});
