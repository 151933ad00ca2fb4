import { StudioError } from '../errors';
import { readJpegFrameHeader } from './jpeg-header';
import { assertSaneDimensions, type PixelModule } from './pixel-module';
import type { PixelEncoding } from './transfer-syntax';

/**
 * Image size from a JPEG 2000 / HTJ2K code stream's SIZ segment (T.800 A.5.1), which follows SOC (FF 4F):
 * FF 51, Lsiz(2), Rsiz(2), Xsiz(4), Ysiz(4), XOsiz(4), YOsiz(4), all big endian; the image is Xsiz−XOsiz wide.
 */
function readJ2kSize(stream: Uint8Array): { rows: number; columns: number } | undefined {
  if (stream.length < 24 || stream[0] !== 0xff || stream[1] !== 0x4f || stream[2] !== 0xff || stream[3] !== 0x51) return undefined;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  return { columns: view.getUint32(8) - view.getUint32(16), rows: view.getUint32(12) - view.getUint32(20) };
}

/** The size a code stream claims in its own header, when it can be read without decoding (0 rows: defined later). */
export function codeStreamSize(stream: Uint8Array, encoding: PixelEncoding): { rows: number; columns: number } | undefined {
  if (encoding === 'jpeg-2000' || encoding === 'htj2k') return readJ2kSize(stream);
  if (encoding === 'jpeg-baseline' || encoding === 'jpeg-extended' || encoding === 'jpeg-lossless' || encoding === 'jpeg-ls') {
    const header = readJpegFrameHeader(stream);
    return header && header.rows > 0 ? { rows: header.rows, columns: header.columns } : undefined;
  }
  return undefined;
}

/**
 * Before a codec allocates anything: the size in the code stream's header must be sane and match Rows × Columns
 * (a stream of another size cannot be laid out as this image, and a corrupt one could claim gigabytes).
 */
export function assertStreamMatchesHeader(stream: Uint8Array, encoding: PixelEncoding, m: PixelModule, codecName: string, name: string): void {
  const size = codeStreamSize(stream, encoding);
  if (!size) return;
  assertSaneDimensions(size.rows, size.columns, `${name}: the ${codecName} stream header`);
  if (size.rows !== m.rows || size.columns !== m.columns) {
    throw new StudioError(
      'corrupt-compressed-stream',
      `${name}: the ${codecName} stream header says ${size.columns}×${size.rows} pixels, but the DICOM header says ${m.columns}×${m.rows}.`,
    );
  }
}

const MAX_PADDING = 16;

/** Where the code stream ends: after its final FF D9 (EOI / EOC) when only pad bytes (00 or FF) follow it; else undefined. */
function endOfImage(stream: Uint8Array): number | undefined {
  let end = stream.length;
  while (end > 0 && stream.length - end < MAX_PADDING && (stream[end - 1] === 0 || stream[end - 1] === 0xff)) {
    if (end >= 2 && stream[end - 2] === 0xff && stream[end - 1] === 0xd9) break;
    end--;
  }
  return end >= 2 && stream[end - 2] === 0xff && stream[end - 1] === 0xd9 ? end : undefined;
}

/** JPEG-LS and JPEG code streams end with EOI (FF D9); trailing 00 or FF padding is allowed. */
export function endsWithEndOfImage(stream: Uint8Array): boolean {
  return endOfImage(stream) !== undefined;
}

/**
 * The stream as the codec gets it: padding after the end marker cut off, a missing end marker added (CharLS spins
 * on a stream without one, OpenJPEG and libjpeg-turbo refuse it). What was changed comes back as a warning; whether
 * the stream decodes is the codec's call.
 */
export function withEndOfImage(stream: Uint8Array, codecName: string): { stream: Uint8Array; warning?: string } {
  const end = endOfImage(stream);
  if (end === stream.length) return { stream };
  if (end !== undefined) return { stream: stream.subarray(0, end) };
  // the byte that made the fragment even-length is not scan data (libjpeg-turbo refuses it before EOI)
  const padded = stream.length >= 2 && stream[stream.length - 1] === 0 && stream[stream.length - 2] !== 0xff;
  const data = padded ? stream.subarray(0, stream.length - 1) : stream;
  const ended = new Uint8Array(data.length + 2);
  ended.set(data);
  ended.set([0xff, 0xd9], data.length);
  return { stream: ended, warning: `the ${codecName} stream has no end-of-image marker (FF D9); one was added` };
}
