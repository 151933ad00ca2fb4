/**
 * Command line of `npm run studio`: `import <folder>`, `train <folder>`, `export-project <folder>` and
 * `evaluate <folder>` with their options.
 * Pure (no fs, no browser) so the unit tests cover every refusal; a refusal is one StudioError
 * ('bad-config') whose message is the one line the CLI prints.
 */
import { StudioError } from '../lib/errors';
import { IMBALANCE_MODES, MONITORS, SCHEDULES, type ImbalanceMode, type Monitor } from '../lib/train/config';
import type { LrSchedule } from '../lib/train/schedule';

export type Command = 'import' | 'train' | 'export-project' | 'evaluate';
export type BackendChoice = 'webgpu' | 'webgl' | 'cpu';
export type KernelChoice = 'studio' | 'stock';

export interface StudioOptions {
  command: Command;
  folder: string;
  out: string;
  labels?: string;
  /** train only: an external folder evaluated after training */
  eval?: string;
  evalLabels?: string;
  /** training settings the person set; undefined = the studio's default */
  epochs?: number;
  batch?: number;
  /** side of the stored square images, px (fixed at import) */
  imageSize?: number;
  width?: number;
  lr?: number;
  posWeight?: number | 'auto';
  augment?: boolean;
  patience?: number;
  /** the validation metric early stopping and the kept checkpoint follow */
  monitor?: Monitor;
  schedule?: LrSchedule;
  imbalance?: ImbalanceMode;
  /** GPU memory a training step may use, MB */
  gpuBudgetMB?: number;
  /** at most this many images per forward/backward pass (gradient accumulation) */
  microBatch?: number;
  /** train/val/test percentages, summing to 100 */
  split?: [number, number, number];
  seed?: number;
  backend?: BackendChoice;
  /** WebGPU: the studio's own kernels (the studio's default) or tfjs's stock ones */
  kernels?: KernelChoice;
  weights?: string;
  /** export-project only: 'dicom' = index.csv pointing at the original files, no PNGs */
  source?: 'png' | 'dicom';
  /** evaluate only: history.json of the run that wrote --weights (loads it as a run trained elsewhere) */
  history?: string;
  /** how many highest-loss validation images get a CAM PNG */
  cams: number;
  /** reload the page once this epoch is checkpointed, then resume the interrupted run (tests resume) */
  reloadAfter?: number;
}

export const USAGE = `usage: npm run studio -- import <folder> [--labels <csv>] [--image-size <px>] [--split 80/10/10] [--seed <n>] [--backend webgpu|webgl|cpu] [--kernels studio|stock] --out <dir>
       npm run studio -- train <folder> [--labels <csv>] [--eval <folder>] [--eval-labels <csv>] --out <dir>
              [--epochs <n>] [--batch <n>] [--image-size <px>] [--width <x>] [--lr <x>] [--pos-weight <x|auto>]
              [--augment on|off] [--patience <n>] [--monitor auc|f1|loss] [--schedule none|cosine|step]
              [--imbalance pos-weight|oversample|none] [--gpu-budget <MB>] [--micro-batch <n>] [--split 80/10/10] [--seed <n>] [--backend webgpu|webgl|cpu] [--kernels studio|stock]
              [--weights <file.pth|file.safetensors>] [--cams <n>] [--reload-after <epoch>]
       npm run studio -- export-project <folder> [--source png|dicom] [--labels <csv>] [--image-size <px>] [--split 80/10/10] [--seed <n>] --out <dir>
              [--epochs <n>] [--batch <n>] [--width <x>] [--lr <x>] [--pos-weight <x|auto>] [--augment on|off] [--patience <n>]
              [--monitor auc|f1|loss] [--schedule none|cosine|step] [--imbalance pos-weight|oversample|none] [--backend webgpu|webgl|cpu]
       npm run studio -- evaluate <folder> --weights <model.safetensors> [--history <history.json>] [--labels <csv>] [--image-size <px>]
              [--cams <n>] [--backend webgpu|webgl|cpu] [--kernels studio|stock] --out <dir>`;

const TRAIN_ONLY = ['eval', 'eval-labels', 'epochs', 'batch', 'width', 'lr', 'pos-weight', 'augment', 'patience', 'monitor', 'schedule', 'imbalance', 'gpu-budget', 'micro-batch', 'weights', 'cams', 'reload-after'];
const BOTH = ['labels', 'out', 'image-size', 'split', 'seed', 'backend', 'kernels'];
/** the options each command takes besides BOTH */
const OWN: Record<Command, string[]> = {
  import: [],
  train: TRAIN_ONLY,
  'export-project': ['source', 'epochs', 'batch', 'width', 'lr', 'pos-weight', 'augment', 'patience', 'monitor', 'schedule', 'imbalance'],
  evaluate: ['weights', 'history', 'cams'],
};
const COMMANDS = Object.keys(OWN) as Command[];

function refuse(message: string): never {
  throw new StudioError('bad-config', message);
}

function integer(name: string, text: string, min: number, max: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text) || v < min || v > max) refuse(`--${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  return v;
}

/** A number above 0, optionally `below` (exclusive) or `atMost` (inclusive) a bound. */
function positive(name: string, text: string, bound: { below?: number; atMost?: number } = {}): number {
  const v = Number(text);
  const { below = Infinity, atMost = Infinity } = bound;
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || v >= below || v > atMost) {
    const limit = below < Infinity ? ` and below ${below}` : atMost < Infinity ? ` and at most ${atMost}` : '';
    refuse(`--${name} must be a number above 0${limit}, got "${text}".`);
  }
  return v;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) refuse(`--${name} must be one of ${allowed.join(', ')}, got "${text}".`);
  return text as T;
}

/** "80/10/10" → [80, 10, 10]; whole percentages, train and val above 0, summing to 100. */
export function parseSplit(text: string): [number, number, number] {
  const parts = text.split('/');
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) refuse(`--split must look like 80/10/10, got "${text}".`);
  const [train, val, test] = parts.map(Number);
  if (train + val + test !== 100) refuse(`--split percentages must add up to 100, got ${train + val + test}.`);
  if (train === 0 || val === 0) refuse(`--split needs a training and a validation share above 0, got "${text}".`);
  return [train, val, test];
}

export function parseArgs(argv: string[]): StudioOptions {
  const [command, ...rest] = argv;
  if (!(COMMANDS as string[]).includes(command)) refuse(`Unknown command "${command ?? ''}": use ${COMMANDS.map((c) => `"${c}"`).join(', ')}.`);
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!BOTH.includes(name) && !Object.values(OWN).some((own) => own.includes(name))) refuse(`Unknown option --${name}.`);
    if (!BOTH.includes(name) && !OWN[command as Command].includes(name)) {
      const takers = COMMANDS.filter((c) => OWN[c].includes(name));
      refuse(`--${name} applies to ${takers.map((c) => `"${c}"`).join(' and ')}, not "${command}".`);
    }
    if (values.has(name)) refuse(`--${name} is given twice.`);
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) refuse(`--${name} needs a value.`);
    values.set(name, value);
  }
  if (positional.length !== 1) refuse(`"${command}" takes exactly one folder, got ${positional.length}.`);
  const out = values.get('out');
  if (!out) refuse('--out <dir> is required.');

  const get = (name: string) => values.get(name);
  const options: StudioOptions = { command: command as Command, folder: positional[0], out, cams: 4 };
  const v = (name: string) => get(name) !== undefined;
  if (v('labels')) options.labels = get('labels');
  if (v('eval')) options.eval = get('eval');
  if (v('eval-labels')) {
    if (!v('eval')) refuse('--eval-labels needs --eval <folder>.');
    options.evalLabels = get('eval-labels');
  }
  if (v('epochs')) options.epochs = integer('epochs', get('epochs')!, 1, 1000);
  if (v('batch')) options.batch = integer('batch', get('batch')!, 1, 1024);
  if (v('image-size')) options.imageSize = integer('image-size', get('image-size')!, 32, 512);
  if (v('width')) options.width = positive('width', get('width')!, { atMost: 2 });
  if (v('lr')) options.lr = positive('lr', get('lr')!, { below: 1 });
  if (v('pos-weight')) options.posWeight = get('pos-weight') === 'auto' ? 'auto' : positive('pos-weight', get('pos-weight')!);
  if (v('augment')) {
    const a = get('augment');
    if (a !== 'on' && a !== 'off') refuse(`--augment must be "on" or "off", got "${a}".`);
    options.augment = a === 'on';
  }
  if (v('patience')) options.patience = integer('patience', get('patience')!, 0, 1000);
  if (v('monitor')) options.monitor = oneOf('monitor', get('monitor')!, MONITORS);
  if (v('schedule')) options.schedule = oneOf('schedule', get('schedule')!, SCHEDULES);
  if (v('imbalance')) options.imbalance = oneOf('imbalance', get('imbalance')!, IMBALANCE_MODES);
  if (v('gpu-budget')) options.gpuBudgetMB = positive('gpu-budget', get('gpu-budget')!);
  if (v('micro-batch')) options.microBatch = integer('micro-batch', get('micro-batch')!, 1, 1024);
  if (v('split')) options.split = parseSplit(get('split')!);
  if (v('seed')) options.seed = integer('seed', get('seed')!, 0, 2 ** 32 - 1);
  if (v('backend')) {
    const b = get('backend');
    if (b !== 'webgpu' && b !== 'webgl' && b !== 'cpu') refuse(`--backend must be webgpu, webgl or cpu, got "${b}".`);
    options.backend = b;
  }
  if (v('kernels')) {
    const k = get('kernels');
    if (k !== 'studio' && k !== 'stock') refuse(`--kernels must be studio or stock, got "${k}".`);
    options.kernels = k;
  }
  if (v('weights')) {
    const w = get('weights')!;
    if (!/\.(pth|pt|safetensors)$/i.test(w)) refuse(`--weights must be a .pth or .safetensors file, got "${w}".`);
    options.weights = w;
  }
  if (v('source')) options.source = oneOf('source', get('source')!, ['png', 'dicom'] as const);
  if (v('history')) {
    const h = get('history')!;
    if (!/\.json$/i.test(h)) refuse(`--history must be a .json file (history.json), got "${h}".`);
    options.history = h;
  }
  if (command === 'evaluate') {
    if (!options.weights) refuse('"evaluate" needs --weights <model.safetensors> (the model to score the folder with).');
    if (!/\.safetensors$/i.test(options.weights) && options.history) refuse('--history goes with a .safetensors model (a run trained elsewhere).');
  }
  if (v('cams')) options.cams = integer('cams', get('cams')!, 0, 100);
  if (v('reload-after')) {
    options.reloadAfter = integer('reload-after', get('reload-after')!, 1, 1000);
    if (options.epochs === undefined || options.reloadAfter >= options.epochs) refuse('--reload-after needs --epochs greater than it (the run must have epochs left to resume).');
  }
  return options;
}
