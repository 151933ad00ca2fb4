import { describe, expect, it } from 'vitest';
import { GUIDE_STEPS, nextStep, stepState, type GuideInput } from '../../../src/lib/guide/next-step';

const landing: GuideInput = { hasDataset: false, importing: false, selectedName: null, training: 'idle', hasModel: false, evaluated: false };
const imported: GuideInput = { ...landing, hasDataset: true, selectedName: 'Demo: 40 images' };

describe('nextStep', () => {
  it('starts at the data step, and says so while an import runs', () => {
    expect(nextStep(landing)).toEqual({ step: 'data', hint: 'Next: import images — try the demo or pick a DICOM folder in 1 · Data' });
    expect(nextStep({ ...landing, importing: true })).toEqual({ step: 'data', hint: 'Importing… the dataset appears in 1 · Data when it is ready' });
  });

  it('asks for a dataset to be chosen when none is selected', () => {
    expect(nextStep({ ...imported, selectedName: null })).toEqual({ step: 'data', hint: 'Next: choose the dataset to train on in 1 · Data' });
  });

  it('names the selected dataset when training comes next', () => {
    expect(nextStep(imported)).toEqual({ step: 'train', hint: "Next: train a model on 'Demo: 40 images' — pick a preset in 2 · Train" });
    expect(nextStep({ ...imported, training: 'cancelled' }).step).toBe('train');
    expect(nextStep({ ...imported, training: 'failed' }).hint).toMatch(/^Next: the last run failed .* 'Demo: 40 images' in 2 · Train$/);
  });

  it('stays on training while a run is under way, even with an older model', () => {
    for (const training of ['starting', 'running'] as const) {
      expect(nextStep({ ...imported, training, hasModel: true, evaluated: true })).toEqual({
        step: 'train',
        hint: "Training on 'Demo: 40 images'… follow the loss in 2 · Train; metrics follow when it ends",
      });
    }
    expect(nextStep({ ...imported, training: 'paused' }).hint).toBe("Training on 'Demo: 40 images' is paused: resume or stop it in 2 · Train");
  });

  it('moves to evaluation once a model exists, then to the explanations once it is scored', () => {
    const trained = { ...imported, training: 'done' as const, hasModel: true };
    expect(nextStep(trained).step).toBe('evaluate');
    expect(nextStep(trained).hint).toContain('3 · Evaluate');
    expect(nextStep({ ...trained, evaluated: true })).toEqual({
      step: 'explain',
      hint: 'Next: read the metrics in 3 · Evaluate, then see where the model looks in 4 · Why?',
    });
  });

  it('a model without a dataset still starts at the data step', () => {
    expect(nextStep({ ...landing, hasModel: true, evaluated: true }).step).toBe('data');
  });
});

describe('stepState', () => {
  it('marks the steps before the current one done and those after it to do', () => {
    expect(GUIDE_STEPS.map((s) => stepState(s.step, 'evaluate'))).toEqual(['done', 'done', 'current', 'todo']);
    expect(GUIDE_STEPS.map((s) => stepState(s.step, 'data'))).toEqual(['current', 'todo', 'todo', 'todo']);
  });
});
