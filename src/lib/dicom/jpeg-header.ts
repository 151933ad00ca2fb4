export interface JpegFrameHeader {
  /** bits per sample: 8 or 12 for DCT, 2–16 for lossless */
  precision: number;
  rows: number;
  columns: number;
  components: number;
}

/**
 * The frame header (SOFn, T.81 B.2.2; or SOF55 of JPEG-LS) of a JPEG stream: walks the marker segments after SOI.
 * Undefined when the stream has none before its data, so callers can fall back to the codec's own error.
 */
export function readJpegFrameHeader(stream: Uint8Array): JpegFrameHeader | undefined {
  let i = 2;
  while (i + 9 < stream.length) {
    if (stream[i] !== 0xff) return undefined;
    const marker = stream[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC); SOF55 (F7) of JPEG-LS has the same layout (T.87 C.2.2)
    if ((marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7) {
      return {
        precision: stream[i + 4],
        rows: (stream[i + 5] << 8) | stream[i + 6],
        columns: (stream[i + 7] << 8) | stream[i + 8],
        components: stream[i + 9],
      };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data or end before any frame header
    i += 2 + ((stream[i + 2] << 8) | stream[i + 3]);
  }
  return undefined;
}
