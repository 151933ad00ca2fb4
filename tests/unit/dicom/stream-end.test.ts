import { describe, expect, it } from 'vitest';
import { endsWithEndOfImage, withEndOfImage } from '../../../src/lib/dicom/stream-header';

const scan = [0xff, 0xd8, 0x12, 0x34, 0x56];

describe('the end of a code stream, as the codec gets it', () => {
  it.each([
    ['FF D9', [...scan, 0xff, 0xd9], 7],
    ['FF D9 00', [...scan, 0xff, 0xd9, 0x00], 7],
    ['FF D9 FF', [...scan, 0xff, 0xd9, 0xff], 7],
    ['FF D9 00 00', [...scan, 0xff, 0xd9, 0x00, 0x00], 7],
  ])('cuts the padding after %s without a warning', (_, bytes, length) => {
    const stream = new Uint8Array(bytes);
    expect(endsWithEndOfImage(stream)).toBe(true);
    const ended = withEndOfImage(stream, 'JPEG-LS');
    expect(ended.warning).toBeUndefined();
    expect([...ended.stream]).toEqual(bytes.slice(0, length));
  });

  it('adds a missing end marker (after dropping the pad byte that made the fragment even) and says so', () => {
    for (const bytes of [scan, [...scan, 0x00]]) {
      const ended = withEndOfImage(new Uint8Array(bytes), 'JPEG Baseline');
      expect([...ended.stream]).toEqual([...scan, 0xff, 0xd9]);
      expect(ended.warning).toMatch(/JPEG Baseline stream has no end-of-image marker/);
    }
  });

  it('keeps a stuffed zero (FF 00) when it adds the end marker', () => {
    const bytes = [...scan, 0xff, 0x00];
    expect([...withEndOfImage(new Uint8Array(bytes), 'JPEG').stream]).toEqual([...bytes, 0xff, 0xd9]);
  });
});
