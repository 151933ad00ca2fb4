/**
 * The guided order of the studio, data → train → evaluate → explain: which step comes next and one line
 * saying what to do there, from what the page already knows.
 */

export type GuideStep = 'data' | 'train' | 'evaluate' | 'explain';

export const GUIDE_STEPS: ReadonlyArray<{ step: GuideStep; title: string; section: string }> = [
  { step: 'data', title: 'Data', section: '1 · Data' },
  { step: 'train', title: 'Train', section: '2 · Train' },
  { step: 'evaluate', title: 'Evaluate', section: '3 · Evaluate' },
  { step: 'explain', title: 'Explain', section: '4 · Why?' },
];

export interface GuideInput {
  /** at least one dataset is imported and ready */
  hasDataset: boolean;
  /** an import is under way */
  importing: boolean;
  /** the name of the dataset chosen for training (ready), null when none is */
  selectedName: string | null;
  /** the training panel's status */
  training: 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';
  /** a trained (or imported) model is there to evaluate */
  hasModel: boolean;
  /** a set is scored: metrics are shown */
  evaluated: boolean;
}

export interface Guide {
  step: GuideStep;
  /** one line: what to do now, naming the section to do it in */
  hint: string;
}

const section = (step: GuideStep) => GUIDE_STEPS.find((s) => s.step === step)!.section;

export function nextStep(input: GuideInput): Guide {
  if (!input.hasDataset) {
    return input.importing
      ? { step: 'data', hint: `Importing… the dataset appears in ${section('data')} when it is ready` }
      : { step: 'data', hint: `Next: import images — try the demo or pick a DICOM folder in ${section('data')}` };
  }
  if (input.selectedName === null) return { step: 'data', hint: `Next: choose the dataset to train on in ${section('data')}` };
  const name = `'${input.selectedName}'`;
  switch (input.training) {
    case 'starting':
    case 'running':
      return { step: 'train', hint: `Training on ${name}… follow the loss in ${section('train')}; metrics follow when it ends` };
    case 'paused':
      return { step: 'train', hint: `Training on ${name} is paused: resume or stop it in ${section('train')}` };
    default:
      break;
  }
  if (!input.hasModel) {
    return input.training === 'failed'
      ? { step: 'train', hint: `Next: the last run failed — adjust the settings and train again on ${name} in ${section('train')}` }
      : { step: 'train', hint: `Next: train a model on ${name} — pick a preset in ${section('train')}` };
  }
  if (!input.evaluated) return { step: 'evaluate', hint: `Next: evaluate the model — its metrics appear in ${section('evaluate')} once the validation split is scored` };
  return { step: 'explain', hint: `Next: read the metrics in ${section('evaluate')}, then see where the model looks in ${section('explain')}` };
}

/** 'done' for the steps before the current one, 'current' for it, 'todo' after. */
export function stepState(step: GuideStep, current: GuideStep): 'done' | 'current' | 'todo' {
  const at = (s: GuideStep) => GUIDE_STEPS.findIndex((g) => g.step === s);
  return at(step) < at(current) ? 'done' : at(step) === at(current) ? 'current' : 'todo';
}
