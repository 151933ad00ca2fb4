/**
 * The studio controls the CLI reads or clicks beyond those of import-step.ts, in one place. A control
 * that the build lacks fails with one line naming the data-testid, so the gap is obvious.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { StudioError } from '../lib/errors';

export const UI = {
  epochs: 'cfg-epochs',
  batch: 'cfg-batch',
  width: 'cfg-width',
  lr: 'cfg-lr',
  augment: 'cfg-augment',
  posWeight: 'cfg-pos-weight',
  patience: 'cfg-patience',
  seed: 'cfg-seed',
  /** the <details> holding the advanced settings below: open it before filling them */
  advanced: 'cfg-advanced',
  monitor: 'cfg-monitor',
  schedule: 'cfg-schedule',
  imbalance: 'cfg-imbalance',
  gpuBudget: 'cfg-gpu-budget',
  microBatch: 'cfg-micro-batch',
  /** why the last advanced setting typed was refused */
  advancedError: 'cfg-advanced-error',
  train: 'train',
  status: 'train-status',
  progress: 'train-progress',
  historyRow: 'history-row',
  resumeRun: 'resume-run',
  weightsInput: 'weights-input',
  weightsSelect: 'weights-select',
  exportModel: 'export-model',
  modelInput: 'model-input',
  /** select of evaluated sets: values 'val' | 'test' | 'external:<datasetId>' (evaluation.setKey) */
  evalSet: 'eval-set',
  exportPredictions: 'export-predictions',
  exportMetrics: 'export-metrics',
  camSelect: 'cam-select',
  camCanvas: 'cam-canvas',
  /** peak GPU bytes of the training run, as data-peak-bytes */
  gpuMemory: 'gpu-memory',
  /** the tfjs backend badge: data-backend is empty until the backend is chosen */
  backend: 'backend',
  /** the error banner: data-code holds the StudioError code */
  error: 'error',
  demoCount: 'demo-count',
  tryDemo: 'try-demo',
  /** one per dataset: data-id, data-status ('importing' | 'ready'), data-images */
  datasetRow: 'dataset-row',
  datasetName: 'dataset-name',
  /** the training split's data-mean / data-std */
  datasetStats: 'dataset-stats',
  importSize: 'import-size',
  importSplit: 'import-split',
  importSeed: 'import-seed',
  folderInput: 'folder-input',
  importProgress: 'progress',
  importReport: 'import-report',
  reportCsv: 'report-csv',
  reportSplit: 'report-split',
  reportClass: 'report-class',
  reportEncodings: 'report-encodings',
  reportLeakage: 'report-leakage',
  reportPatientLeakage: 'report-patient-leakage',
  rejections: 'rejections',
  exportZip: 'export-zip',
  exportPseudonymise: 'export-pseudonymise',
  storage: 'storage',
  storageEphemeral: 'storage-ephemeral',
  rename: 'rename',
  renameInput: 'rename-input',
  renameSave: 'rename-save',
  delete: 'delete',
  browse: 'browse',
  browseSplit: 'browse-split',
  browseClass: 'browse-class',
  browseRejected: 'browse-rejected',
  thumbnail: 'thumbnail',
  imageViewer: 'image-viewer',
  viewerCanvas: 'viewer-canvas',
  viewerMetadata: 'viewer-metadata',
  metrics: 'metrics',
  openReport: 'open-report',
  report: 'report',
  metricAccuracy: 'metric-accuracy',
  metricAuc: 'metric-auc',
  camOpacity: 'cam-opacity',
  teacherToggle: 'teacher-toggle',
  teacherStatus: 'teacher-status',
  teacherCam: 'teacher-cam',
  pointingGame: 'pointing-game',
  inferInput: 'infer-input',
  inferCam: 'infer-cam',
  inferProbability: 'infer-probability',
  inferClass: 'infer-class',
  presets: 'presets',
  measureSpeed: 'measure-speed',
  presetLiveDemo: 'preset-live-demo',
  presetFullRecipe: 'preset-full-recipe',
} as const;

export const sel = (testId: string) => `[data-testid="${testId}"]`;

export async function has(page: Page, testId: string): Promise<boolean> {
  return (await page.locator(sel(testId)).count()) > 0;
}

export async function need(page: Page, testId: string, why: string): Promise<void> {
  if (!(await has(page, testId))) throw new StudioError('internal', `The studio has no "${testId}" control, needed ${why}.`);
}

export async function fill(page: Page, testId: string, value: string | number, why: string): Promise<void> {
  await need(page, testId, why);
  const input = page.locator(sel(testId));
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

/** Click a download control and return the file's bytes. */
export async function downloadBytes(page: Page, testId: string, why: string, timeoutMs = 600_000): Promise<{ name: string; bytes: Uint8Array }> {
  await need(page, testId, why);
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: timeoutMs }), page.click(sel(testId))]);
  return { name: file.suggestedFilename(), bytes: new Uint8Array(await readFile(await file.path())) };
}
