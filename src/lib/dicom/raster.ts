/** PNG and JPEG files (e.g. Kaggle chest X-ray folders) decoded to grey display values in [0, 1]. */
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import { StudioError } from '../errors';
import { decodeWithWasm } from './codecs';
import { readJpegFrameHeader } from './jpeg-header';
import { assertSaneDimensions } from './pixel-module';
import { colourToGrey } from './pixel-values';

export interface GreyRaster {
  width: number;
  height: number;
  pixels: Float32Array;
  /** bits per sample in the file */
  depth: number;
}

function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  // IHDR is the first chunk: width and height are big-endian uint32 at bytes 16 and 20
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : { width: 0, height: 0 };
}

/** 1, 2 and 4-bit PNG samples are packed most significant first, each row starting on a byte. */
function unpackLowDepth(packed: Uint8Array | Uint16Array, width: number, height: number, channels: number, depth: number): Uint8Array {
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < perRow; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * perRow + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Grey = the sample (grey, grey+alpha) or BT.601 luma (RGB, RGBA, palette); alpha is ignored. */
export function decodePngGrey(bytes: Uint8Array, name: string): GreyRaster {
  const size = readPngSize(bytes);
  assertSaneDimensions(size.height, size.width, name);
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw new StudioError('decode-failed', `${name}: the PNG could not be decoded (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { width, height } = png;
  const count = width * height;
  let samples = png.data as Uint8Array | Uint16Array;
  let channels = png.channels;
  let depth: number = png.depth;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    channels = samples.length / count;
    depth = 8;
  } else if (depth < 8) {
    samples = unpackLowDepth(samples, width, height, channels, depth);
  }
  const top = 2 ** depth - 1;
  let pixels: Float32Array;
  if (channels <= 2) {
    pixels = new Float32Array(count);
    for (let i = 0; i < count; i++) pixels[i] = samples[i * channels] / top;
  } else if (channels === 3) {
    pixels = colourToGrey(samples, count, false, 'RGB', depth);
  } else {
    const rgb = depth > 8 ? new Uint16Array(count * 3) : new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = samples[i * 4 + c];
    pixels = colourToGrey(rgb, count, false, 'RGB', depth);
  }
  return { width, height, pixels, depth };
}

/** JPEG files through libjpeg-turbo (8-bit; YCbCr comes back as RGB). */
export async function decodeJpegGrey(bytes: Uint8Array, name: string): Promise<GreyRaster> {
  const header = readJpegFrameHeader(bytes);
  if (header) assertSaneDimensions(header.rows, header.columns, name); // before the codec allocates
  let decoded: Awaited<ReturnType<typeof decodeWithWasm>>;
  try {
    decoded = await decodeWithWasm('libjpeg-turbo', bytes);
  } catch (e) {
    throw new StudioError('corrupt-compressed-stream', `${name}: the JPEG could not be decoded (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { width, height, componentCount } = decoded.info;
  assertSaneDimensions(height, width, name);
  const count = width * height;
  if (decoded.bytes.length < count * componentCount) {
    throw new StudioError('corrupt-compressed-stream', `${name}: the JPEG decoded to fewer samples than its ${width}×${height} size needs.`);
  }
  let pixels: Float32Array;
  if (componentCount === 3) {
    pixels = colourToGrey(decoded.bytes, count, false, 'RGB', 8);
  } else if (componentCount === 1) {
    pixels = new Float32Array(count);
    for (let i = 0; i < count; i++) pixels[i] = decoded.bytes[i] / 255;
  } else {
    throw new StudioError('unsupported-photometric', `${name}: JPEG with ${componentCount} components (e.g. CMYK) is not supported.`);
  }
  return { width, height, pixels, depth: 8 };
}
