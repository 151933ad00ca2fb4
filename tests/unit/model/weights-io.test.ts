import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/lib/errors';
import { readPth } from '../../../src/lib/model/pth';
import { createResNet18, forward } from '../../../src/lib/model/resnet';
import { readSafetensors, writeSafetensors } from '../../../src/lib/model/safetensors';
import { exportStateDict, loadStateDict, type StateDict } from '../../../src/lib/model/state-dict';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const oracleDir = path.resolve(__dirname, '../../../../shared/data/resnet18-oracle');
const pthPath = path.join(oracleDir, 'resnet18-imagenet-layout.pth');
const haveOracle = existsSync(pthPath);
if (!haveOracle) console.warn(`skipping .pth tests: ${pthPath} not found`);

const full = { widthMultiplier: 1, numClasses: 1, inputSize: 224 };
const tiny = { widthMultiplier: 0.125, numClasses: 1, inputSize: 32 };

/** Byte equality of large typed arrays (vitest's deep equality is far too slow at 10⁷ elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function headerOf(bytes: Uint8Array): Record<string, { dtype: string; shape: number[] }> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

async function rejects(fn: () => unknown, message: RegExp) {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StudioError);
    expect((e as StudioError).code).toBe('bad-weights');
    expect((e as StudioError).message).toMatch(message);
    return;
  }
  throw new Error('expected a bad-weights StudioError');
}

describe('safetensors', () => {
  it('export -> import -> export is byte-identical; header is torchvision resnet18 (1 channel, 1 logit)', async () => {
    const model = createResNet18(full, 7);
    const bytes = writeSafetensors(await exportStateDict(model));
    const again = writeSafetensors(readSafetensors(bytes));
    expect(again.length).toBe(bytes.length);
    expect(sameBytes(again, bytes)).toBe(true);
    const header = headerOf(bytes);
    const keys = Object.keys(header);
    expect(keys).toEqual([...keys].sort());
    expect(keys.length).toBe(122); // 20 convs, 20 BNs × 5 entries, fc weight + bias
    expect(header['conv1.weight']).toMatchObject({ dtype: 'F32', shape: [64, 1, 7, 7] });
    expect(header['fc.weight']).toMatchObject({ dtype: 'F32', shape: [1, 512] });
    expect(header['fc.bias']).toMatchObject({ dtype: 'F32', shape: [1] });
    expect(header['layer3.0.downsample.0.weight']).toMatchObject({ dtype: 'F32', shape: [256, 128, 1, 1] });
    expect(header['layer4.1.conv2.weight']).toMatchObject({ dtype: 'F32', shape: [512, 512, 3, 3] });
    expect(header['layer2.0.downsample.1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + 16))).toMatch(/^\{"bn1\.bias"/);
    model.dispose();
  });

  it('a loaded model computes the same logits; trained BN counts survive as int64', async () => {
    const a = createResNet18(tiny, 1);
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    tf.dispose(forward(a, x, { training: true })); // counts 1, running stats moved
    const sd = readSafetensors(writeSafetensors(await exportStateDict(a)));
    expect(sd.get('bn1.num_batches_tracked')).toEqual({ shape: [], dtype: 'int64', data: BigInt64Array.of(1n) });
    const b = createResNet18(tiny, 2);
    loadStateDict(b, sd, { adaptImageNet: false });
    const la = await forward(a, x, { training: false }).logits.data();
    const lb = await forward(b, x, { training: false }).logits.data();
    expect(Array.from(lb)).toEqual(Array.from(la));
  });

  it('rejects truncated files and bad headers', async () => {
    const bytes = writeSafetensors(await exportStateDict(createResNet18(tiny, 1)));
    await rejects(() => readSafetensors(bytes.subarray(0, 5)), /shorter/);
    await rejects(() => readSafetensors(bytes.subarray(0, bytes.length - 4)), /data_offsets/);
    const broken = bytes.slice();
    broken[9] = 0x7b; // '{' inside the JSON
    await rejects(() => readSafetensors(broken), /JSON/);
  });

  it.skipIf(!haveOracle)('keys, shapes and dtypes equal the torchvision checkpoint but for conv1 (1 channel) and fc (1 logit)', async () => {
    const torchvision = readPth(new Uint8Array(readFileSync(pthPath)));
    const model = createResNet18(full, 0);
    const header = headerOf(writeSafetensors(await exportStateDict(model)));
    expect(Object.keys(header).sort()).toEqual([...torchvision.keys()].sort());
    for (const [key, entry] of torchvision) {
      const shape = key === 'conv1.weight' ? [64, 1, 7, 7] : key === 'fc.weight' ? [1, 512] : key === 'fc.bias' ? [1] : entry.shape;
      expect(header[key].shape, key).toEqual(shape);
      expect(header[key].dtype, key).toBe(entry.dtype === 'int64' ? 'I64' : 'F32');
    }
    model.dispose();
  });
});

describe('loadStateDict validation', () => {
  it('missing keys, wrong shapes and unexpected keys are bad-weights naming the key; model untouched', async () => {
    const model = createResNet18(tiny, 1);
    const sd = await exportStateDict(createResNet18(tiny, 2));
    const before = await model.params.get('conv1.weight')!.data();
    const without = new Map(sd);
    without.delete('layer2.1.bn1.running_var');
    await rejects(() => loadStateDict(model, without, { adaptImageNet: false }), /missing layer2\.1\.bn1\.running_var/);
    const reshaped: StateDict = new Map(sd);
    reshaped.set('layer1.0.conv1.weight', { ...sd.get('layer1.0.conv1.weight')!, shape: [8, 8, 9, 1] });
    await rejects(() => loadStateDict(model, reshaped, { adaptImageNet: false }), /layer1\.0\.conv1\.weight has shape \[8,8,9,1\]/);
    const extra: StateDict = new Map(sd);
    extra.set('layer5.weight', sd.get('fc.bias')!);
    await rejects(() => loadStateDict(model, extra, { adaptImageNet: false }), /unexpected keys: layer5\.weight/);
    expect(Array.from(await model.params.get('conv1.weight')!.data())).toEqual(Array.from(before));
  });

  it('ImageNet adaptation: conv1 = sum of the RGB kernels; fresh head kept unless asked for the first row', async () => {
    const model = createResNet18(tiny, 1);
    const sd = await exportStateDict(createResNet18(tiny, 2));
    const conv1 = sd.get('conv1.weight')!;
    const rgb = new Float32Array(conv1.data.length * 3);
    const [o, , h, w] = conv1.shape;
    for (let oo = 0; oo < o; oo++)
      for (let c = 0; c < 3; c++)
        for (let p = 0; p < h * w; p++) rgb[(oo * 3 + c) * h * w + p] = (c + 1) * (conv1.data as Float32Array)[oo * h * w + p];
    sd.set('conv1.weight', { shape: [o, 3, h, w], dtype: 'float32', data: rgb });
    const fc = sd.get('fc.weight')!;
    const fcRows = new Float32Array(fc.data.length * 5).map((_, i) => i);
    sd.set('fc.weight', { shape: [5, fc.shape[1]], dtype: 'float32', data: fcRows });
    sd.set('fc.bias', { shape: [5], dtype: 'float32', data: Float32Array.of(9, 8, 7, 6, 5) });
    await rejects(() => loadStateDict(model, sd, { adaptImageNet: false }), /conv1\.weight has shape/);

    const freshHead = await model.params.get('fc.bias')!.data();
    loadStateDict(model, sd, { adaptImageNet: true });
    const adapted = await exportStateDict(model);
    const summed = (conv1.data as Float32Array).map((v) => 6 * v);
    const got = adapted.get('conv1.weight')!.data as Float32Array;
    got.forEach((v, i) => expect(v).toBeCloseTo(summed[i], 5));
    expect(Array.from(adapted.get('fc.bias')!.data as Float32Array)).toEqual(Array.from(freshHead));

    loadStateDict(model, sd, { adaptImageNet: true, head: 'first-row' });
    const firstRow = await exportStateDict(model);
    expect(Array.from(firstRow.get('fc.bias')!.data as Float32Array)).toEqual([9]);
    expect(Array.from(firstRow.get('fc.weight')!.data as Float32Array)).toEqual(Array.from(fcRows.slice(0, fc.shape[1])));
  });
});

/** Protocol-2 pickle of {'w': tensor} whose view is the transpose of a contiguous 3×2 storage. */
function transposedTensorPickle(): Uint8Array {
  const bytes: number[] = [0x80, 2];
  const ascii = (s: string) => bytes.push(...new TextEncoder().encode(s));
  const global = (m: string, n: string) => (bytes.push(0x63), ascii(`${m}\n${n}\n`));
  const unicode = (s: string) => (bytes.push(0x58, s.length, 0, 0, 0), ascii(s));
  const int1 = (v: number) => bytes.push(0x4b, v);
  global('collections', 'OrderedDict');
  bytes.push(0x29, 0x52, 0x28); // EMPTY_TUPLE REDUCE MARK
  unicode('w');
  global('torch._utils', '_rebuild_tensor_v2');
  bytes.push(0x28, 0x28); // MARK (args) MARK (persistent id)
  unicode('storage');
  global('torch', 'FloatStorage');
  unicode('0');
  unicode('cpu');
  int1(6);
  bytes.push(0x74, 0x51); // TUPLE BINPERSID
  int1(0); // storage offset
  int1(2), int1(3), bytes.push(0x86); // size (2, 3)
  int1(1), int1(2), bytes.push(0x86); // stride (1, 2)
  bytes.push(0x89); // requires_grad False
  global('collections', 'OrderedDict');
  bytes.push(0x29, 0x52, 0x74, 0x52, 0x75, 0x2e); // () REDUCE TUPLE REDUCE SETITEMS STOP
  return Uint8Array.from(bytes);
}

describe('readPth', () => {
  it('reads a strided (non-contiguous) tensor from a hand-made zip checkpoint', () => {
    const storage = new Uint8Array(Float32Array.of(0, 1, 2, 3, 4, 5).buffer);
    const zip = zipSync({ 'ckpt/data.pkl': transposedTensorPickle(), 'ckpt/data/0': storage, 'ckpt/version': new TextEncoder().encode('3\n') }, { level: 0 });
    const sd = readPth(zip);
    expect(sd.get('w')).toEqual({ shape: [2, 3], dtype: 'float32', data: Float32Array.of(0, 2, 4, 1, 3, 5) });
  });

  it('refuses non-zip, legacy and foreign files as bad-weights', async () => {
    await rejects(() => readPth(new Uint8Array([0x80, 2, 0x8a, 0x0a])), /legacy/);
    const foreign = zipSync({ 'x/data.pkl': Uint8Array.from([0x80, 2, 0x63, ...new TextEncoder().encode('os\nsystem\n'), 0x29, 0x52, 0x2e]) });
    await rejects(() => readPth(foreign), /unsupported object os\.system/);
  });

  it.skipIf(!haveOracle)('reads the torchvision ResNet-18 checkpoint (122 entries) and adapts it', async () => {
    const sd = readPth(new Uint8Array(readFileSync(pthPath)));
    expect(sd.size).toBe(122);
    expect(sd.get('conv1.weight')!.shape).toEqual([64, 3, 7, 7]);
    expect(sd.get('fc.weight')!.shape).toEqual([1000, 512]);
    expect(sd.get('layer4.1.bn2.num_batches_tracked')).toMatchObject({ shape: [], dtype: 'int64' });
    const model = createResNet18(full, 0);
    loadStateDict(model, sd, { adaptImageNet: true, head: 'first-row' });
    const out = await exportStateDict(model);
    expect(sameBytes(out.get('layer3.1.conv2.weight')!.data, sd.get('layer3.1.conv2.weight')!.data)).toBe(true);
    expect(Array.from(out.get('fc.bias')!.data as Float32Array)).toEqual([(sd.get('fc.bias')!.data as Float32Array)[0]]);
    model.dispose();
  });
});
