import type { DataSet, Element } from 'dicom-parser';
import { StudioError } from '../errors';
import { decodeWithWasm, type CodecName } from './codecs';
import { readJpegFrameHeader } from './jpeg-header';
import { assertStreamMatchesHeader, withEndOfImage } from './stream-header';
import { encapsulatedFirstFrame, nativeFirstFrame, nativeSamplesPerPixel } from './frames';
import type { PixelModule } from './pixel-module';
import { decodeRle } from './rle';
import type { TransferSyntax } from './transfer-syntax';

export type IntegerSamples = Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** One decoded frame before any value transform: integer samples exactly as stored. */
export interface RawFrame {
  samples: IntegerSamples;
  /** colour samples as R1R2…G1G2…B1B2… instead of R1G1B1R2… */
  planar: boolean;
  /** right shift that moves High Bit down to Bits Stored − 1 (native data only) */
  shift: number;
  /** photometric of the samples after decoding: JPEG and JPEG 2000 decoders already turn YBR into RGB */
  photometric: string;
  /** what a structural pre-check found and the codec decoded anyway */
  warnings?: string[];
}

function readWords(bytes: Uint8Array, bitsAllocated: 16 | 32, littleEndian: boolean): Uint16Array | Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bitsAllocated === 16) {
    const out = new Uint16Array(bytes.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = view.getUint16(i * 2, littleEndian);
    return out;
  }
  const out = new Uint32Array(bytes.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, littleEndian);
  return out;
}

/** Bits Allocated 1: eight pixels per byte, least significant bit first (PS3.5 D.2). */
function unpackBits(bytes: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
  return out;
}

/** Y1 Y2 Cb Cr per pixel pair → Y Cb Cr per pixel. */
function expandYbr422(packed: IntegerSamples, pixelCount: number): IntegerSamples {
  const out = new (packed.constructor as new (n: number) => IntegerSamples)(pixelCount * 3);
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    const pair = (pixel >> 1) * 4;
    out[pixel * 3] = packed[pair + (pixel & 1)];
    out[pixel * 3 + 1] = packed[pair + 2];
    out[pixel * 3 + 2] = packed[pair + 3];
  }
  return out;
}

function nativeSamples(frame: Uint8Array, m: PixelModule, littleEndian: boolean): IntegerSamples {
  const count = m.rows * m.columns * nativeSamplesPerPixel(m);
  let samples: IntegerSamples;
  if (m.bitsAllocated === 1) samples = unpackBits(frame, count);
  else if (m.bitsAllocated === 8) samples = frame;
  else samples = readWords(frame, m.bitsAllocated as 16 | 32, littleEndian);
  return m.photometric === 'YBR_FULL_422' ? expandYbr422(samples, m.rows * m.columns) : samples;
}

function littleEndianSamples(bytes: Uint8Array, bitsPerSample: number, signed: boolean): IntegerSamples {
  if (bitsPerSample <= 8) return bytes;
  const words = readWords(bytes, 16, true) as Uint16Array;
  return signed ? new Int16Array(words.buffer) : words;
}

interface JpegImageLike {
  parse(data: Uint8Array): void;
  colorTransform?: boolean;
  width: number;
  height: number;
  getData16(width: number, height: number): Uint16Array;
}

/**
 * The 12-bit path of @abasb75/jpegjs level-shifts by 2056·4095/255 ≈ 33017.6 (in its ×16 IDCT units) where
 * T.81 prescribes 2048·16 + 8 = 32776: every sample comes out 15 (1 time in 16: 16) too high and clips at 4095
 * from 4080 up. Subtracting 15 restores the samples to within 1 level; measured against GDCM on the two
 * conformance files this leaves a mean error below 0.1 grey levels.
 */
const JPEGJS_12BIT_LEVEL_SHIFT_ERROR = 15;

/** JPEG Extended 12-bit: libjpeg-turbo's 8-bit build cannot, the pure-JS decoder from @abasb75/jpegjs can. */
async function decodeJpeg12(stream: Uint8Array, m: PixelModule): Promise<Uint16Array> {
  const mod = (await import('@abasb75/jpegjs')) as unknown as { default: new () => JpegImageLike };
  const jpeg = new mod.default();
  jpeg.parse(stream);
  jpeg.colorTransform = false;
  const samples = jpeg.getData16(m.columns, m.rows);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.max(0, samples[i] - JPEGJS_12BIT_LEVEL_SHIFT_ERROR);
  }
  return samples;
}

async function decodeJpegLossless(stream: Uint8Array, m: PixelModule): Promise<IntegerSamples> {
  const { Decoder } = await import('jpeg-lossless-decoder-js');
  const bytesPerSample = m.bitsAllocated <= 8 ? 1 : 2;
  const copy = stream.slice(); // the decoder reads from an ArrayBuffer and keeps no reference to ours
  return new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
}

interface DecodedStream {
  samples: IntegerSamples;
  planar: boolean;
}

/** The codec's sample layout, the DICOM header's signedness (a JPEG 2000 stream may say otherwise: the header governs). */
async function decodeWasm(codec: CodecName, stream: Uint8Array, m: PixelModule): Promise<DecodedStream> {
  const { bytes, info, planar } = await decodeWithWasm(codec, stream);
  return { samples: littleEndianSamples(bytes, info.bitsPerSample, m.pixelRepresentation === 1), planar };
}

const interleaved = (samples: IntegerSamples): DecodedStream => ({ samples, planar: false });

async function decodeCompressed(stream: Uint8Array, ts: TransferSyntax, m: PixelModule): Promise<DecodedStream> {
  switch (ts.encoding) {
    case 'jpeg-baseline':
    case 'jpeg-extended':
      return (readJpegFrameHeader(stream)?.precision ?? 8) > 8 ? interleaved(await decodeJpeg12(stream, m)) : decodeWasm('libjpeg-turbo', stream, m);
    case 'jpeg-lossless':
      return interleaved(await decodeJpegLossless(stream, m));
    case 'jpeg-ls':
      return decodeWasm('charls', stream, m);
    case 'jpeg-2000':
      return decodeWasm('openjpeg', stream, m);
    case 'htj2k':
      return decodeWasm('openjph', stream, m);
    default:
      throw new Error(`no decoder for ${ts.encoding}`);
  }
}

function codecErrorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  // Emscripten codecs throw a C++ exception as a bare pointer: the number says nothing to a person
  if (typeof e === 'number') return 'the codec rejected the data';
  return String(e);
}

/** Decode the first frame of the Pixel Data element. Throws StudioError. */
export async function decodeFirstFrame(
  ds: DataSet,
  pixel: Element,
  m: PixelModule,
  ts: TransferSyntax,
  name: string,
): Promise<RawFrame> {
  const pixelCount = m.rows * m.columns;
  const expected = pixelCount * m.samplesPerPixel;
  if (ts.encoding === 'native' || ts.encoding === 'native-big-endian') {
    if (pixel.encapsulatedPixelData) {
      throw new StudioError('decode-failed', `${name}: Pixel Data is encapsulated although ${ts.name} is uncompressed.`);
    }
    const frame = nativeFirstFrame(ds, pixel, m, name);
    return {
      samples: nativeSamples(frame, m, ts.encoding === 'native'),
      // YBR_FULL_422 is always pixel-interleaved (PS3.3 C.7.6.3.1.3)
      planar: m.planarConfiguration === 1 && m.photometric !== 'YBR_FULL_422',
      shift: m.highBit + 1 - m.bitsStored,
      photometric: m.photometric,
    };
  }
  if (!pixel.encapsulatedPixelData) {
    throw new StudioError('corrupt-compressed-stream', `${name}: ${ts.name} requires encapsulated Pixel Data, but it is stored as a plain value.`);
  }
  const fragments = encapsulatedFirstFrame(ds, pixel, m, name);
  assertStreamMatchesHeader(fragments, ts.encoding, m, ts.name, name);
  const { stream, warning } = ts.encoding === 'rle' ? { stream: fragments } : withEndOfImage(fragments, ts.name);
  let decoded: DecodedStream;
  try {
    if (ts.encoding === 'rle') {
      const bytesPerSample = Math.ceil(m.bitsAllocated / 8);
      const planes = decodeRle(stream, pixelCount, m.samplesPerPixel, bytesPerSample);
      const native = bytesPerSample === 1 ? planes : readWords(planes, m.bitsAllocated as 16 | 32, true);
      return { samples: native, planar: true, shift: 0, photometric: m.photometric };
    }
    decoded = await decodeCompressed(stream, ts, m);
  } catch (e) {
    if (e instanceof StudioError) throw new StudioError(e.code, `${name}: ${e.message}`);
    throw new StudioError('corrupt-compressed-stream', `${name}: the ${ts.name} stream could not be decoded (${codecErrorMessage(e)}).`);
  }
  const { samples, planar } = decoded;
  if (samples.length === 0) {
    throw new StudioError('corrupt-compressed-stream', `${name}: the ${ts.name} stream could not be decoded (the codec returned no pixels).`);
  }
  if (samples.length < expected) {
    throw new StudioError(
      'corrupt-compressed-stream',
      `${name}: the ${ts.name} stream decoded to ${samples.length.toLocaleString('en-US')} samples, ` +
        `but ${m.columns}×${m.rows}×${m.samplesPerPixel} = ${expected.toLocaleString('en-US')} were expected.`,
    );
  }
  const codecConvertsColour = ts.encoding === 'jpeg-baseline' || ts.encoding === 'jpeg-extended' || ts.encoding === 'jpeg-2000' || ts.encoding === 'htj2k';
  const photometric = m.samplesPerPixel === 3 && codecConvertsColour ? 'RGB' : m.photometric;
  return { samples, planar, shift: 0, photometric, ...(warning ? { warnings: [warning] } : {}) };
}

/** Decodes an 8-bit grey JPEG at width×height (a DCT scale of its size): the samples, or null to fall back to a full decode. */
export type ScaledJpegDecoder = (stream: Uint8Array, width: number, height: number) => Promise<Uint8Array | null>;

/** What a scaled decoding must still cover: a size×size stretch, or the inner box of a size×size letterbox. */
export interface ScaledDecodeTarget {
  decoder: ScaledJpegDecoder;
  size: number;
  fit: 'stretch' | 'letterbox';
}

/** The largest DCT scale denominator (8, 4, 2; 1: none) whose decoding is still at least minWidth × minHeight. */
export function jpegScaleFor(columns: number, rows: number, minWidth: number, minHeight: number): number {
  for (const d of [8, 4, 2]) if (Math.ceil(columns / d) >= minWidth && Math.ceil(rows / d) >= minHeight) return d;
  return 1;
}

/**
 * The first frame of an 8-bit grey baseline JPEG decoded at the DCT scale its target allows (the area resize finishes
 * the job), or null when the file is not one, no scale fits, or the decoder declines: then decodeFirstFrame runs.
 */
export async function decodeFirstFrameScaled(
  ds: DataSet,
  pixel: Element,
  m: PixelModule,
  ts: TransferSyntax,
  name: string,
  target: ScaledDecodeTarget,
): Promise<{ frame: RawFrame; rows: number; columns: number } | null> {
  if (ts.encoding !== 'jpeg-baseline' && ts.encoding !== 'jpeg-extended') return null;
  if (!pixel.encapsulatedPixelData || m.samplesPerPixel !== 1 || m.bitsAllocated !== 8 || m.bitsStored !== 8 || m.pixelRepresentation !== 0) return null;
  const long = Math.max(m.columns, m.rows);
  const [minWidth, minHeight] =
    target.fit === 'stretch' ? [target.size, target.size] : [Math.ceil((m.columns * target.size) / long), Math.ceil((m.rows * target.size) / long)];
  const d = jpegScaleFor(m.columns, m.rows, minWidth, minHeight);
  if (d === 1) return null;
  const fragments = encapsulatedFirstFrame(ds, pixel, m, name);
  assertStreamMatchesHeader(fragments, ts.encoding, m, ts.name, name);
  const header = readJpegFrameHeader(fragments);
  if (!header || header.precision !== 8 || header.components !== 1) return null;
  const { stream, warning } = withEndOfImage(fragments, ts.name);
  const columns = Math.ceil(m.columns / d);
  const rows = Math.ceil(m.rows / d);
  const samples = await target.decoder(stream, columns, rows).catch(() => null);
  if (!samples || samples.length !== rows * columns) return null;
  return { frame: { samples, planar: false, shift: 0, photometric: m.photometric, ...(warning ? { warnings: [warning] } : {}) }, rows, columns };
}
