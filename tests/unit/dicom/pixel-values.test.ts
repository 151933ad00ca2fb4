/** Hand-derived checks of the value transforms: every expected number is worked out in the comments. */
import { describe, expect, it } from 'vitest';
import {
  applyModality,
  applyVoi,
  colourToGrey,
  invert,
  normaliseMinMax,
  storedValues,
  windowValue,
} from '../../../src/lib/dicom/pixel-values';

const f32 = (values: number[]) => new Float32Array(values);

describe('VOI window, DICOM LINEAR (PS3.3 C.11.2.1.2)', () => {
  // c = 40, w = 400 → c' = 39.5, w' = 399; lower edge c' − w'/2 = −160, upper edge c' + w'/2 = 239
  it('is 0 at and below the lower edge and 1 above the upper edge', () => {
    expect(windowValue(-160, 40, 400, 'LINEAR')).toBe(0);
    expect(windowValue(-1000, 40, 400, 'LINEAR')).toBe(0);
    expect(windowValue(239.01, 40, 400, 'LINEAR')).toBe(1);
    expect(windowValue(3000, 40, 400, 'LINEAR')).toBe(1);
  });
  it('is linear in between: (x − c′)/w′ + 0.5', () => {
    expect(windowValue(39.5, 40, 400, 'LINEAR')).toBeCloseTo(0.5, 12);
    expect(windowValue(-159, 40, 400, 'LINEAR')).toBeCloseTo(-198.5 / 399 + 0.5, 12); // ≈ 0.0025
    expect(windowValue(239, 40, 400, 'LINEAR')).toBeCloseTo(1, 12);
    expect(windowValue(139.25, 40, 400, 'LINEAR')).toBeCloseTo(99.75 / 399 + 0.5, 12); // 0.75
  });
  it('with width 1 is a threshold at c − 0.5', () => {
    expect(windowValue(99.5, 100, 1, 'LINEAR')).toBe(0);
    expect(windowValue(99.6, 100, 1, 'LINEAR')).toBe(1);
  });
  it('LINEAR_EXACT uses c and w unchanged; SIGMOID is 0.5 at the centre', () => {
    expect(windowValue(-5, 0, 10, 'LINEAR_EXACT')).toBe(0);
    expect(windowValue(0, 0, 10, 'LINEAR_EXACT')).toBe(0.5);
    expect(windowValue(2.5, 0, 10, 'LINEAR_EXACT')).toBe(0.75);
    expect(windowValue(7, 7, 3, 'SIGMOID')).toBe(0.5);
    expect(windowValue(7 + 3, 7, 3, 'SIGMOID')).toBeCloseTo(1 / (1 + Math.exp(-4)), 12);
  });
  it('applies to a whole image in place', () => {
    const values = f32([-200, 39.5, 300]);
    expect(Array.from(applyVoi(values, { kind: 'window', center: 40, width: 400, fn: 'LINEAR' }))).toEqual([0, 0.5, 1]);
  });
});

describe('min–max, constant images and VOI LUT', () => {
  it('scales by the image range', () => {
    expect(Array.from(normaliseMinMax(f32([10, 20, 30])))).toEqual([0, 0.5, 1]);
  });
  it('turns a constant image into a constant image, never NaN', () => {
    const flat = applyVoi(f32([7, 7, 7, 7]), { kind: 'minmax' });
    expect(Array.from(flat)).toEqual([0, 0, 0, 0]);
    expect(Array.from(invert(flat))).toEqual([1, 1, 1, 1]); // MONOCHROME1 of a constant image
  });
  it('looks a VOI LUT up, clamps outside inputs and scales by 2^bits − 1', () => {
    // 8-bit LUT [0, 51, 255] for inputs 100, 101, 102
    const lut = { firstMapped: 100, data: f32([0, 51, 255]), bits: 8 };
    const out = applyVoi(f32([50, 100, 101, 102, 500]), { kind: 'lut', lut });
    expect(Array.from(out)).toEqual([0, 0, 0.2, 1, 1].map(Math.fround));
  });
});

describe('MONOCHROME1', () => {
  it('inverts display values: minimum becomes white', () => {
    expect(Array.from(invert(f32([0, 0.25, 1])))).toEqual([1, 0.75, 0]);
  });
});

describe('stored values: sign and Bits Stored', () => {
  it('masks unsigned 12-bit data in 16-bit words, dropping bits above High Bit', () => {
    // 0x8FFF carries an overlay bit 15: the 12 stored bits are 0xFFF = 4095
    const samples = new Uint16Array([0x0000, 0x0800, 0x0fff, 0x8fff]);
    expect(Array.from(storedValues(samples, 4, 12, false))).toEqual([0, 2048, 4095, 4095]);
  });
  it('shifts when High Bit is above Bits Stored − 1', () => {
    // 12 bits stored at bits 4..15 (High Bit 15): 0xFFF0 → 0xFFF, 0x0010 → 1
    expect(Array.from(storedValues(new Uint16Array([0xfff0, 0x0010]), 2, 12, false, 4))).toEqual([4095, 1]);
  });
  it('reads 12-bit signed data in 16 bits as two’s complement of the word', () => {
    // the writer sign-extends: −2048 = 0xF800, −1 = 0xFFFF, +2047 = 0x07FF
    const samples = new Uint16Array([0xf800, 0xffff, 0x0000, 0x07ff]);
    expect(Array.from(storedValues(samples, 4, 12, true))).toEqual([-2048, -1, 0, 2047]);
  });
  it('keeps a signed value positive when the word’s upper bits are 0 (pydicom 2.3 / GDCM reading)', () => {
    expect(Array.from(storedValues(new Uint16Array([0x0800]), 1, 12, true))).toEqual([2048]);
  });
  it('passes signed codec output through and wraps negative codec output of unsigned data', () => {
    expect(Array.from(storedValues(new Int16Array([-5, 5]), 2, 16, true))).toEqual([-5, 5]);
    expect(Array.from(storedValues(new Int16Array([-1]), 1, 12, false))).toEqual([4095]);
  });
  it('reads 8-bit signed data', () => {
    expect(Array.from(storedValues(new Uint8Array([0x80, 0xff, 0x7f]), 3, 8, true))).toEqual([-128, -1, 127]);
  });
});

describe('Modality LUT', () => {
  it('rescales: slope × value + intercept', () => {
    // CT: slope 1, intercept −1024 (air at 24 → −1000 HU); slope 2: 1000 → 2000 − 1024 = 976
    expect(Array.from(applyModality(f32([24, 1024]), { kind: 'rescale', slope: 1, intercept: -1024 }))).toEqual([-1000, 0]);
    expect(Array.from(applyModality(f32([0, 1000]), { kind: 'rescale', slope: 2, intercept: -1024 }))).toEqual([-1024, 976]);
  });
  it('looks up a Modality LUT with a signed first mapped value, clamping outside inputs', () => {
    const lut = { firstMapped: -2, data: f32([10, 20, 30]), bits: 16 };
    expect(Array.from(applyModality(f32([-5, -2, -1, 0, 5]), { kind: 'lut', lut }))).toEqual([10, 10, 20, 30, 30]);
  });
});

describe('colour to grey', () => {
  it('uses BT.601 luma for RGB, interleaved or planar', () => {
    const interleaved = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const planar = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]); // R plane, G plane, B plane
    const a = colourToGrey(interleaved, 3, false, 'RGB', 8);
    const b = colourToGrey(planar, 3, true, 'RGB', 8);
    expect(Array.from(a)).toEqual([0.299, 0.587, 0.114].map(Math.fround));
    expect(Array.from(b)).toEqual(Array.from(a));
  });
  it('takes Y of YBR directly', () => {
    expect(Array.from(colourToGrey(new Uint8Array([51, 128, 128]), 1, false, 'YBR_FULL', 8))).toEqual([Math.fround(0.2)]);
  });
});
