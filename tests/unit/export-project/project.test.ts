import { describe, expect, it } from 'vitest';
import { projectConfig, type ProjectDataset } from '../../../src/lib/export-project/config';
import { describeOrigin, parseExternalHistory } from '../../../src/lib/export-project/history';
import { projectFiles, TRAIN_PY } from '../../../src/lib/export-project/project';
import { LAUNCH } from '../../../src/lib/export-project/readme';
import { RECIPE, SMALL_MACHINE, type TrainConfig } from '../../../src/lib/train/config';

const data: ProjectDataset = { name: 'demo', classes: ['normal', 'opacity'], imageSize: 64, mean: 0.4, std: 0.2, splitSeed: 3, splitFractions: [0.8, 0.1, 0.1] };
const cfg: TrainConfig = { ...RECIPE, ...SMALL_MACHINE, schedule: 'cosine', patience: 2, monitor: 'loss', imbalance: 'oversample', microBatchSize: 4 };

describe('config.json', () => {
  it('carries every setting of the run (and no browser-only memory knob)', () => {
    const c = projectConfig(cfg, data);
    const keys: (keyof TrainConfig)[] = ['epochs', 'batchSize', 'imageSize', 'widthMultiplier', 'lr', 'beta1', 'beta2', 'weightDecay', 'posWeight', 'imbalance', 'augment', 'seed', 'patience', 'monitor', 'schedule'];
    for (const key of keys) expect(c.train, key).toHaveProperty(key, cfg[key]);
    expect(c.train).not.toHaveProperty('microBatchSize');
    expect(c.train.augment).toEqual(RECIPE.augment);
    expect(c.data).toEqual({ ...data, source: 'png' });
    expect(projectConfig({ ...cfg, schedule: undefined }, data).train.schedule).toBe('none');
  });

  it('refuses what train.py could not run', () => {
    expect(() => projectConfig({ ...cfg, imageSize: 128 }, data)).toThrow(/128 px .* 64 px/);
    expect(() => projectConfig(cfg, { ...data, std: 0 })).toThrow(/mean and std/);
    expect(() => projectConfig({ ...cfg, lr: 2 }, data)).toThrow(/Learning rate/);
  });

  it('adds train.py, config.json, requirements.txt and a README with the launch lines', () => {
    const files = projectFiles(cfg, data, 300);
    expect(files.map((f) => f.path)).toEqual(['train.py', 'config.json', 'requirements.txt', 'README.md']);
    const text = (p: string) => new TextDecoder().decode(files.find((f) => f.path === p)!.bytes);
    expect(text('train.py')).toBe(TRAIN_PY);
    expect(TRAIN_PY).toMatch(/^#!\/usr\/bin\/env python3/);
    expect(JSON.parse(text('config.json')).train.epochs).toBe(cfg.epochs);
    expect(text('requirements.txt')).toMatch(/^torch/m);
    const readme = text('README.md');
    for (const line of Object.values(LAUNCH)) expect(readme).toContain(line);
    expect(readme).toMatch(/#SBATCH --nodes=2[\s\S]*srun torchrun --nnodes/);
    expect(readme).not.toContain('--dicom-root');
  });

  it('with the DICOM source: the README says to pass --dicom-root, requirements add pydicom', () => {
    const files = projectFiles(cfg, { ...data, source: 'dicom' }, 300);
    const text = (p: string) => new TextDecoder().decode(files.find((f) => f.path === p)!.bytes);
    expect(JSON.parse(text('config.json')).data.source).toBe('dicom');
    expect(text('README.md')).toContain('add `--dicom-root <the imported folder>` to every command below');
    expect(text('requirements.txt')).toMatch(/^pydicom/m);
  });
});

describe('history.json', () => {
  const epoch = (n: number) => ({ epoch: n, trainLoss: 0.6, valLoss: 0.5, valAccuracy: 0.7, valAuc: null, valF1: 0.6, seconds: 2, imagesPerSecond: 10, numTensors: 0, microBatches: 1, stepLosses: [0.7, 0.5] });

  it("reads train.py's file: epochs, where it ran, the best epoch (null metrics = NaN)", () => {
    const h = parseExternalHistory(
      JSON.stringify({ format: 'cxr-studio-history', version: 1, trainedWith: 'train.py', trainedOn: { host: 'node7', device: 'cuda', processes: 4, torch: '2.3.0' }, bestEpoch: 2, stoppedEarly: true, posWeight: 3, epochs: [epoch(1), epoch(2)] }),
    );
    expect(h.epochs).toHaveLength(2);
    expect(h.epochs[1].valAuc).toBeNaN();
    expect(h.epochs[0].stepLosses).toEqual([0.7, 0.5]);
    expect(h).toMatchObject({ bestEpoch: 2, stoppedEarly: true, posWeight: 3 });
    expect(describeOrigin(h.origin)).toBe('train.py on node7 (cuda, 4 processes)');
  });

  it('reads a bare list of epoch records, and refuses broken ones saying where', () => {
    expect(parseExternalHistory(JSON.stringify([epoch(1)])).origin.trainedWith).toBe('elsewhere');
    expect(() => parseExternalHistory('{')).toThrow(/not valid JSON/);
    expect(() => parseExternalHistory('[]')).toThrow(/no epochs/);
    expect(() => parseExternalHistory(JSON.stringify([epoch(2)]))).toThrow(/epoch entry 0 is epoch 2/);
    expect(() => parseExternalHistory(JSON.stringify([{ ...epoch(1), valLoss: 'x' }]))).toThrow(/"valLoss"/);
    expect(() => parseExternalHistory(JSON.stringify({ format: 'other', epochs: [epoch(1)] }))).toThrow(/unknown format/);
  });
});
