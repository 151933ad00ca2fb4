import { describe, expect, it } from 'vitest';
import { parseArgs, parseSplit } from '../../../src/cli/options';
import { StudioError } from '../../../src/lib/errors';

function refusal(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(StudioError);
    expect((e as StudioError).code).toBe('bad-config');
    return (e as StudioError).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('studio CLI options', () => {
  it('reads import with its folder, labels and output', () => {
    expect(parseArgs(['import', 'data/x', '--labels', 'l.csv', '--out', '/tmp/o'])).toEqual({ command: 'import', folder: 'data/x', labels: 'l.csv', out: '/tmp/o', cams: 4 });
  });

  it('reads every train option, in both --name value and --name=value forms', () => {
    const o = parseArgs([
      'train', 'f', '--eval', 'g', '--eval-labels=g.csv', '--out', 'o', '--epochs', '2', '--batch=16', '--image-size', '64', '--width', '0.25',
      '--lr', '3e-3', '--pos-weight', 'auto', '--augment', 'off', '--patience', '3', '--split', '70/20/10', '--seed', '7', '--backend', 'webgl',
      '--weights', 'w.pth', '--cams', '2',
    ]);
    expect(o).toEqual({
      command: 'train', folder: 'f', eval: 'g', evalLabels: 'g.csv', out: 'o', epochs: 2, batch: 16, imageSize: 64, width: 0.25, lr: 0.003,
      posWeight: 'auto', augment: false, patience: 3, split: [70, 20, 10], seed: 7, backend: 'webgl', weights: 'w.pth', cams: 2,
    });
    expect(parseArgs(['train', 'f', '--out', 'o', '--pos-weight', '2.5', '--augment', 'on']).posWeight).toBe(2.5);
    expect(parseArgs(['train', 'f', '--out', 'o', '--augment', 'on']).augment).toBe(true);
  });

  it('leaves unset options undefined so the studio keeps its defaults', () => {
    const o = parseArgs(['train', 'f', '--out', 'o']);
    expect(Object.keys(o).sort()).toEqual(['cams', 'command', 'folder', 'out']);
  });

  it.each([
    [['serve', 'f', '--out', 'o'], 'Unknown command "serve": use "import", "train", "export-project", "evaluate".'],
    [[], 'Unknown command "": use "import", "train", "export-project", "evaluate".'],
    [['train', 'f'], '--out <dir> is required.'],
    [['train', '--out', 'o'], '"train" takes exactly one folder, got 0.'],
    [['train', 'a', 'b', '--out', 'o'], '"train" takes exactly one folder, got 2.'],
    [['train', 'f', '--out', 'o', '--frobnicate', '1'], 'Unknown option --frobnicate.'],
    [['import', 'f', '--out', 'o', '--eval', 'g'], '--eval applies to "train", not "import".'],
    [['train', 'f', '--out', 'o', '--epochs', '2', '--epochs', '3'], '--epochs is given twice.'],
    [['train', 'f', '--out', 'o', '--epochs'], '--epochs needs a value.'],
    [['train', 'f', '--epochs', '--out', 'o'], '--epochs needs a value.'],
    [['train', 'f', '--out', 'o', '--epochs', '0'], '--epochs must be a whole number from 1 to 1000, got "0".'],
    [['train', 'f', '--out', 'o', '--epochs', '2.5'], '--epochs must be a whole number from 1 to 1000, got "2.5".'],
    [['train', 'f', '--out', 'o', '--image-size', '16'], '--image-size must be a whole number from 32 to 512, got "16".'],
    [['train', 'f', '--out', 'o', '--width', '0'], '--width must be a number above 0 and at most 2, got "0".'],
    [['train', 'f', '--out', 'o', '--width', '2.5'], '--width must be a number above 0 and at most 2, got "2.5".'],
    [['train', 'f', '--out', 'o', '--lr', '1'], '--lr must be a number above 0 and below 1, got "1".'],
    [['train', 'f', '--out', 'o', '--lr', 'fast'], '--lr must be a number above 0 and below 1, got "fast".'],
    [['train', 'f', '--out', 'o', '--pos-weight', '-1'], '--pos-weight must be a number above 0, got "-1".'],
    [['train', 'f', '--out', 'o', '--augment', 'yes'], '--augment must be "on" or "off", got "yes".'],
    [['train', 'f', '--out', 'o', '--backend', 'cuda'], '--backend must be webgpu, webgl or cpu, got "cuda".'],
    [['train', 'f', '--out', 'o', '--weights', 'w.onnx'], '--weights must be a .pth or .safetensors file, got "w.onnx".'],
    [['train', 'f', '--out', 'o', '--eval-labels', 'x.csv'], '--eval-labels needs --eval <folder>.'],
  ])('refuses %j', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it('reads the advanced training settings, train only', () => {
    const o = parseArgs([
      'train', 'f', '--out', 'o', '--monitor', 'loss', '--schedule=cosine', '--imbalance', 'oversample', '--gpu-budget', '1500.5', '--micro-batch', '8',
    ]);
    expect(o).toMatchObject({ monitor: 'loss', schedule: 'cosine', imbalance: 'oversample', gpuBudgetMB: 1500.5, microBatch: 8 });
    expect(refusal(['import', 'd', '--out', 'o', '--monitor', 'auc'])).toBe('--monitor applies to "train" and "export-project", not "import".');
    expect(refusal(['import', 'd', '--out', 'o', '--micro-batch', '4'])).toBe('--micro-batch applies to "train", not "import".');
  });

  it.each([
    [['--monitor', 'accuracy'], '--monitor must be one of auc, f1, loss, got "accuracy".'],
    [['--schedule', 'linear'], '--schedule must be one of none, cosine, step, got "linear".'],
    [['--imbalance', 'smote'], '--imbalance must be one of pos-weight, oversample, none, got "smote".'],
    [['--gpu-budget', '0'], '--gpu-budget must be a number above 0, got "0".'],
    [['--gpu-budget', '2GB'], '--gpu-budget must be a number above 0, got "2GB".'],
    [['--micro-batch', '0'], '--micro-batch must be a whole number from 1 to 1024, got "0".'],
    [['--micro-batch', '2.5'], '--micro-batch must be a whole number from 1 to 1024, got "2.5".'],
  ])('refuses the advanced setting %j', (args, message) => {
    expect(refusal(['train', 'f', '--out', 'o', ...args])).toBe(message);
  });

  it('--kernels takes studio or stock, for import and train', () => {
    expect(parseArgs(['train', 'd', '--out', 'o', '--kernels', 'stock']).kernels).toBe('stock');
    expect(parseArgs(['import', 'd', '--out', 'o', '--kernels=studio']).kernels).toBe('studio');
    expect(refusal(['train', 'd', '--out', 'o', '--kernels', 'fast'])).toBe('--kernels must be studio or stock, got "fast".');
  });

  it('--reload-after needs more --epochs than it, and train', () => {
    expect(parseArgs(['train', 'd', '--out', 'o', '--epochs', '3', '--reload-after', '1']).reloadAfter).toBe(1);
    expect(refusal(['train', 'd', '--out', 'o', '--epochs', '2', '--reload-after', '2'])).toMatch(/--reload-after needs --epochs greater than it/);
    expect(refusal(['train', 'd', '--out', 'o', '--reload-after', '1'])).toMatch(/--reload-after needs --epochs/);
    expect(refusal(['import', 'd', '--out', 'o', '--reload-after', '1'])).toBe('--reload-after applies to "train", not "import".');
  });

  it('reads splits as whole percentages summing to 100 with train and val above 0', () => {
    expect(parseSplit('80/10/10')).toEqual([80, 10, 10]);
    expect(parseSplit('90/10/0')).toEqual([90, 10, 0]);
    expect(() => parseSplit('80/10')).toThrow('--split must look like 80/10/10, got "80/10".');
    expect(() => parseSplit('80/10/5')).toThrow('--split percentages must add up to 100, got 95.');
    expect(() => parseSplit('0.8/0.1/0.1')).toThrow('--split must look like 80/10/10');
    expect(() => parseSplit('100/0/0')).toThrow('--split needs a training and a validation share above 0, got "100/0/0".');
  });
});

describe('export-project and evaluate', () => {
  it('reads export-project with the training settings it writes into config.json', () => {
    expect(parseArgs(['export-project', 'f', '--out', 'o', '--epochs', '3', '--width', '0.125', '--schedule', 'cosine', '--image-size', '64'])).toEqual({
      command: 'export-project', folder: 'f', out: 'o', epochs: 3, width: 0.125, schedule: 'cosine', imageSize: 64, cams: 4,
    });
    expect(parseArgs(['export-project', 'f', '--out', 'o', '--source', 'dicom']).source).toBe('dicom');
    expect(refusal(['export-project', 'f', '--out', 'o', '--source', 'jpeg'])).toBe('--source must be one of png, dicom, got "jpeg".');
    expect(refusal(['train', 'f', '--out', 'o', '--source', 'dicom'])).toBe('--source applies to "export-project", not "train".');
    expect(refusal(['export-project', 'f', '--out', 'o', '--weights', 'w.pth'])).toBe('--weights applies to "train" and "evaluate", not "export-project".');
    expect(refusal(['export-project', 'f', '--out', 'o', '--reload-after', '1'])).toBe('--reload-after applies to "train", not "export-project".');
  });

  it('reads evaluate: a folder, the weights, optionally the history of a run trained elsewhere', () => {
    expect(parseArgs(['evaluate', 'f', '--weights', 'model.safetensors', '--history', 'history.json', '--cams', '2', '--out', 'o'])).toEqual({
      command: 'evaluate', folder: 'f', out: 'o', weights: 'model.safetensors', history: 'history.json', cams: 2,
    });
    expect(refusal(['evaluate', 'f', '--out', 'o'])).toMatch(/"evaluate" needs --weights/);
    expect(refusal(['evaluate', 'f', '--out', 'o', '--weights', 'm.safetensors', '--history', 'h.csv'])).toMatch(/--history must be a .json file/);
    expect(refusal(['evaluate', 'f', '--out', 'o', '--weights', 'm.pth', '--history', 'h.json'])).toMatch(/--history goes with a .safetensors/);
    expect(refusal(['evaluate', 'f', '--out', 'o', '--weights', 'm.safetensors', '--epochs', '0'])).toBe('--epochs applies to "train" and "export-project", not "evaluate".');
    expect(refusal(['train', 'f', '--out', 'o', '--history', 'h.json'])).toBe('--history applies to "evaluate", not "train".');
  });
});
