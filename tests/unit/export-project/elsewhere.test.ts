import { describe, expect, it } from 'vitest';
import { externalModelShape } from '../../../src/lib/export-project/weights';
import { paramSpecs } from '../../../src/lib/model/architecture';
import type { StateDict } from '../../../src/lib/model/state-dict-types';
import { RECIPE } from '../../../src/lib/train/config';
import { parseExternalHistory, describeOrigin } from '../../../src/lib/export-project/history';
import { ElsewhereState, type ElsewhereDeps } from '../../../src/state/elsewhere.svelte';
import type { DatasetRecord, RunRecord } from '../../../src/platform/db';
import type { ImportWorker } from '../../../src/state/deps';
import { quietErrors, sameThread, savedFiles } from '../state/fakes';

function stateDict(width: number, outputs: number): StateDict {
  return new Map(
    paramSpecs(width, outputs).map((s) => [s.key, s.kind === 'bn-count' ? { shape: [], dtype: 'int64', data: new BigInt64Array(1) } : { shape: s.torchShape, dtype: 'float32', data: new Float32Array(s.torchShape.reduce((a, b) => a * b, 1)) }]),
  );
}

describe('externalModelShape', () => {
  it('reads the width from conv1 and checks every key and shape against the dataset', () => {
    expect(externalModelShape(stateDict(0.125, 1), ['a', 'b'])).toEqual({ widthMultiplier: 0.125, numClasses: 1 });
    expect(externalModelShape(stateDict(0.25, 3), ['a', 'b', 'c'])).toEqual({ widthMultiplier: 0.25, numClasses: 3 });
    expect(() => externalModelShape(stateDict(0.125, 1), ['a', 'b', 'c'])).toThrow(/fc.weight has shape \[1,64\].*needs \[3,64\]/);
    const missing = stateDict(0.125, 1);
    missing.delete('layer3.1.bn2.running_var');
    expect(() => externalModelShape(missing, ['a', 'b'])).toThrow(/lacks layer3.1.bn2.running_var/);
    const extra = stateDict(0.125, 1);
    extra.set('head.weight', { shape: [1], dtype: 'float32', data: new Float32Array(1) });
    expect(() => externalModelShape(extra, ['a', 'b'])).toThrow(/unexpected keys head.weight/);
  });
});

const dataset = { id: 'd1', name: 'demo', status: 'ready', imageSize: 64, classes: ['normal', 'opacity'] } as DatasetRecord;
const historyText = JSON.stringify({ format: 'cxr-studio-history', trainedWith: 'train.py', trainedOn: { host: 'gpu7', device: 'cuda', processes: 4 }, epochs: [{ epoch: 1, trainLoss: 0.7, valLoss: 0.6, valAccuracy: 0.6, valAuc: 0.7, valF1: 0.5 }] });

function setup(overrides: Partial<ElsewhereDeps> = {}) {
  const { errors, logged } = quietErrors();
  const { save, files } = savedFiles();
  const opened: RunRecord[] = [];
  const exports: unknown[] = [];
  const api = {
    exportZip: async (id: string, progress: (d: number, t: number) => boolean, options: unknown) => {
      exports.push({ id, options });
      progress(3, 3);
      return new Blob(['zip']);
    },
  } as unknown as ImportWorker;
  const deps: ElsewhereDeps = {
    pool: { run: (task) => task(api) },
    save,
    callback: sameThread,
    errors,
    config: () => ({ ...RECIPE, imageSize: 224 }),
    dataset: () => dataset,
    projectFiles: (config, d, source) => [{ path: 'config.json', bytes: new TextEncoder().encode(JSON.stringify({ size: config.imageSize, name: d.name, source })) }],
    storeRun: async (d, _w, text) => ({ id: 'r1', datasetId: d.id, createdAt: 0, status: 'done', config: RECIPE, history: parseExternalHistory(text).epochs, trainedElsewhere: describeOrigin(parseExternalHistory(text).origin) }),
    opened: async (run) => void opened.push(run),
    ...overrides,
  };
  return { state: new ElsewhereState(deps), errors, logged, files, opened, exports };
}

describe('ElsewhereState', () => {
  it('exports the selected dataset with the project files at its stored size, and saves the zip', async () => {
    const { state, files, exports } = setup();
    await state.exportProject();
    expect(exports).toHaveLength(1);
    const { options } = exports[0] as { options: { extra: Array<{ path: string; bytes: Uint8Array }>; images: string } };
    expect(JSON.parse(new TextDecoder().decode(options.extra[0].bytes))).toEqual({ size: 64, name: 'demo', source: 'png' });
    expect(options.images).toBe('png');
    expect([...files.keys()]).toEqual(['demo-64px-pytorch.zip']);
    expect(state.busy).toBeNull();
  });

  it('with the DICOM source exports index.csv without PNGs, and a project that reads the original files', async () => {
    const { state, files, exports } = setup();
    state.dicomSource = true;
    await state.exportProject();
    const { options } = exports[0] as { options: { extra: Array<{ path: string; bytes: Uint8Array }>; images: string } };
    expect(options.images).toBe('none');
    expect(JSON.parse(new TextDecoder().decode(options.extra[0].bytes)).source).toBe('dicom');
    expect([...files.keys()]).toEqual(['demo-64px-pytorch-dicom.zip']);
  });

  it('loads model.safetensors + history.json as a run, opens it and says where it was trained', async () => {
    const { state, opened } = setup();
    await state.loadRun([new File([new Uint8Array(8)], 'model.safetensors'), new File([historyText], 'history.json')]);
    expect(opened.map((r) => r.id)).toEqual(['r1']);
    expect(state.loaded).toBe('train.py on gpu7 (cuda, 4 processes)');
  });

  it('says which file is missing, and shows a refused file on the banner', async () => {
    const { state, errors, opened } = setup({ storeRun: async () => Promise.reject(new Error('model.safetensors: lacks fc.bias')) });
    await state.loadRun([new File([historyText], 'history.json')]);
    expect(errors.current?.message).toMatch(/model.safetensors and history.json/);
    await state.loadRun([new File([new Uint8Array(8)], 'model.safetensors'), new File([historyText], 'history.json')]);
    expect(errors.current?.message).toMatch(/lacks fc.bias/);
    expect(opened).toEqual([]);
  });
});
