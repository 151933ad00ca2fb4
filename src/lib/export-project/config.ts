import { StudioError } from '../errors';
import { validateConfig, type TrainConfig } from '../train/config';

/** What train.py needs to know about the exported images (from the dataset record and stats.json). */
export interface ProjectDataset {
  name: string;
  classes: string[];
  /** side of the stored square PNGs, px */
  imageSize: number;
  /** mean / std of v/255 over the training split: the model's input normalisation */
  mean: number;
  std: number;
  splitSeed: number;
  /** train / val / test fractions the split was drawn with */
  splitFractions: [number, number, number];
  /** where train.py reads the images: the exported PNGs, or the original DICOM files (index.csv's source_path,
   * rendered by pydicom with the studio's pixel pipeline); absent = 'png' */
  source?: ProjectSource;
}

export type ProjectSource = 'png' | 'dicom';

/** The training settings train.py reads (TrainConfig without the browser's GPU memory knobs). */
export type ProjectTrainSettings = Omit<TrainConfig, 'microBatchSize' | 'gpuBudgetMB' | 'schedule'> & { schedule: NonNullable<TrainConfig['schedule']> };

/** config.json: every setting of the run, read by train.py. */
export interface ProjectConfig {
  format: 'cxr-studio-project';
  version: 1;
  data: ProjectDataset;
  train: ProjectTrainSettings;
  /** fixed parts of the recipe, written out so a reader needs no source to know them */
  recipe: {
    model: string;
    batchNorm: { eps: number; momentum: number };
    adam: { eps: number; weightDecay: 'L2 added to the gradient (torch.optim.Adam), not decoupled' };
    loss: string;
    input: string;
  };
}

/** config.json for a run with these settings on this dataset; refuses settings the studio would refuse. */
export function projectConfig(cfg: TrainConfig, data: ProjectDataset): ProjectConfig {
  validateConfig(cfg);
  if (cfg.imageSize !== data.imageSize)
    throw new StudioError('bad-config', `The run is set to ${cfg.imageSize} px but the dataset "${data.name}" stores ${data.imageSize} px images.`);
  if (!(data.std > 0) || !Number.isFinite(data.mean))
    throw new StudioError('bad-config', `The dataset "${data.name}" has no training-split mean and std yet (is it fully imported?).`);
  if (data.classes.length < 2) throw new StudioError('bad-config', `The dataset "${data.name}" needs at least two classes to train on.`);
  const { microBatchSize: _m, gpuBudgetMB: _g, schedule, augment, ...rest } = cfg;
  return {
    format: 'cxr-studio-project',
    version: 1,
    data: { ...data, source: data.source ?? 'png', classes: [...data.classes], splitFractions: [...data.splitFractions] },
    train: { ...rest, augment: { ...augment }, schedule: schedule ?? 'none' },
    recipe: {
      model: 'torchvision resnet18, conv1 1x7x7 s2 p3, stage widths max(1, round(w * widthMultiplier)) for 64/128/256/512, 1 logit for 2 classes else K',
      batchNorm: { eps: 1e-5, momentum: 0.1 },
      adam: { eps: 1e-8, weightDecay: 'L2 added to the gradient (torch.optim.Adam), not decoupled' },
      loss: 'BCE with logits and pos_weight (2 classes), cross-entropy (K classes), mean over the batch',
      input: 'x = v/255 / std - mean/std on the stored 8-bit pixels (float32)',
    },
  };
}
