import { StudioError } from '../errors';

/**
 * DICOM RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (segment count and up to 15 segment
 * offsets, uint32 little endian) followed by PackBits segments. Segment order: for each sample, its bytes from
 * most to least significant. The result is planar ([plane of sample 0][plane of sample 1]…), each plane holding
 * little-endian samples of `bytesPerSample` bytes, i.e. the layout of native data with Planar Configuration 1.
 */
export function decodeRle(frame: Uint8Array, pixelCount: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  if (frame.length < 64) throw new StudioError('corrupt-compressed-stream', 'the RLE frame is shorter than its 64-byte header.');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segmentCount !== expected) {
    throw new StudioError(
      'corrupt-compressed-stream',
      `the RLE header lists ${segmentCount} segments where ${expected} were expected.`,
    );
  }
  // PackBits expands at most 64-fold (a 2-byte run gives 128 bytes): refuse a frame too small before allocating
  const maxOutput = (frame.length - 64) * 64;
  if (pixelCount * segmentCount > maxOutput) {
    throw new StudioError(
      'corrupt-compressed-stream',
      `the RLE frame of ${frame.length.toLocaleString('en-US')} bytes cannot hold ${pixelCount.toLocaleString('en-US')} pixels × ${segmentCount} segment(s).`,
    );
  }
  const offsets: number[] = [];
  for (let i = 0; i < segmentCount; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  offsets.push(frame.length);

  const out = new Uint8Array(pixelCount * expected);
  for (let s = 0; s < segmentCount; s++) {
    const sample = Math.floor(s / bytesPerSample);
    // segment 0 of a sample is its most significant byte; little-endian output puts it last
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const planeStart = sample * pixelCount * bytesPerSample;
    unpackSegment(frame, offsets[s], Math.min(offsets[s + 1], frame.length), out, planeStart + byteInSample, bytesPerSample, pixelCount);
  }
  return out;
}

/** PackBits: n in 0..127 copies n+1 literal bytes, n in -127..-1 repeats the next byte 1-n times, -128 is a no-op. */
function unpackSegment(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outStart: number,
  stride: number,
  count: number,
): void {
  if (start < 64 || start > end) throw new StudioError('corrupt-compressed-stream', 'an RLE segment offset points outside the frame.');
  let i = start;
  let written = 0;
  while (i < end && written < count) {
    const n = (src[i++] << 24) >> 24; // as signed byte
    if (n >= 0) {
      const len = Math.min(n + 1, count - written, end - i);
      for (let k = 0; k < len; k++) out[outStart + (written + k) * stride] = src[i + k];
      i += n + 1;
      written += len;
    } else if (n !== -128) {
      const len = Math.min(1 - n, count - written);
      const value = src[i++];
      for (let k = 0; k < len; k++) out[outStart + (written + k) * stride] = value;
      written += len;
    }
  }
  if (written < count) {
    throw new StudioError('corrupt-compressed-stream', `an RLE segment ended after ${written} of ${count} bytes.`);
  }
}
