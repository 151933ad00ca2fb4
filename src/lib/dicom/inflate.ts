/**
 * Bounded inflate of a Deflated Explicit VR Little Endian data set (PS3.5 A.5): the data set after the meta
 * header is one raw deflate stream. Deflate expands up to ~1032:1, so a 4 MB file can claim gigabytes. The stream
 * is inflated in small steps while the elements before Pixel Data are read as they appear; once Pixel Data
 * starts, what the pixel module declares (Rows × Columns × Samples × ⌈Bits Allocated / 8⌉ × Frames) plus a margin
 * is all the rest may take, and an absolute ceiling holds whenever that size is not known. Pure: no DOM, no Node.
 */
import { Inflate } from 'fflate';
import { StudioError } from '../errors';

const MiB = 2 ** 20;

/**
 * Beyond Pixel Data's declared size. Every element before Pixel Data has been counted by the time the limit is
 * set, so this only has to hold what may follow the pixels (Data Set Trailing Padding, a digital signature,
 * overlays stored after them): a few MiB is generous for those and still keeps a bomb's overshoot small.
 */
export const INFLATE_MARGIN = 4 * MiB;

/**
 * The most a deflated data set may inflate to when its pixel module cannot bound it (Pixel Data not reached yet,
 * an element the walk cannot step over, no Rows/Columns) or declares more: 128 MiB holds four 4096×4096 16-bit
 * frames, far beyond a chest X-ray (~3000×3000×16 bits = 18 MB). Reaching it costs about twice as much again in
 * fflate's transient buffers until they are collected, per import worker.
 */
export const MAX_INFLATED_BYTES = 128 * MiB;

/**
 * Input is fed in steps of this size while the limit is not yet known or near: at ~1032:1 one step inflates to at
 * most ~4.2 MB, so a bomb is caught within that of its limit. While the limit is far, steps grow up to
 * MAX_INPUT_STEP as long as even a maximal expansion stays under it (fewer calls for large legitimate files).
 */
const INPUT_STEP = 4 * 1024;
const MAX_INPUT_STEP = 256 * 1024;
const MAX_DEFLATE_RATIO = 1032;

/**
 * fflate keeps unconsumed input and re-copies it on every push; after the stream's last block it consumes nothing
 * more, so trailing bytes would pile up. A valid, unfinished stream always emits output within one stored block
 * (≤ 64 KiB) of input, so this much input without any output means the stream has ended (or only repeats empty
 * blocks): it is then finished with a final push, which fails if the stream is in fact cut short.
 */
const STALLED_INPUT = 1 * MiB;

/**
 * Real headers hold hundreds to a few thousand elements; a stream of millions of tiny ones (they compress to
 * nothing) would make the walk itself slow. Past this many the walk stops and the absolute ceiling holds.
 */
const MAX_WALKED_ELEMENTS = 100_000;

const UNDEFINED_LENGTH = 0xffffffff;
/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** The output so far as a list of chunks, readable at absolute offsets without joining them. */
class ChunkList {
  private readonly chunks: Uint8Array[] = [];
  private readonly starts: number[] = [];
  length = 0;

  add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.starts.push(this.length);
    this.length += chunk.length;
  }

  private indexOf(at: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** `count` bytes from `at` (the caller checks they have arrived). */
  read(at: number, count: number): Uint8Array {
    const out = new Uint8Array(count);
    let i = this.indexOf(at);
    let done = 0;
    while (done < count) {
      const chunk = this.chunks[i];
      const from = at + done - this.starts[i];
      const part = chunk.subarray(from, Math.min(chunk.length, from + count - done));
      out.set(part, done);
      done += part.length;
      i++;
    }
    return out;
  }

  joinAfter(prefix: Uint8Array): Uint8Array {
    const full = new Uint8Array(prefix.length + this.length);
    full.set(prefix, 0);
    let at = prefix.length;
    for (const chunk of this.chunks) {
      full.set(chunk, at);
      at += chunk.length;
    }
    return full;
  }
}

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** The Image Pixel Module elements that size Pixel Data, as read from the top level of the data set. */
interface DeclaredModule {
  rows?: number;
  columns?: number;
  samples?: number;
  bitsAllocated?: number;
  frames?: string;
}

const MODULE_ELEMENTS: Record<number, keyof DeclaredModule> = {
  0x0002: 'samples',
  0x0008: 'frames',
  0x0010: 'rows',
  0x0011: 'columns',
  0x0100: 'bitsAllocated',
};

/** The limit on the inflated size and how to explain it when it is passed. */
interface Limit {
  bytes: number;
  reason: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ceilingLimit = (why: string): Limit => ({
  bytes: MAX_INFLATED_BYTES,
  reason: `to more than ${fmt(MAX_INFLATED_BYTES)} bytes (${MAX_INFLATED_BYTES / MiB} MiB), the most this studio inflates ${why}`,
});

/** Frames as readPixelModule reads them: the first value of Number of Frames (IS), at least 1. */
function declaredFrames(text: string | undefined): number {
  const value = parseInt((text ?? '').split('\\')[0].replace(/\0/g, '').trim(), 10);
  return Number.isFinite(value) ? Math.max(1, value) : 1;
}

/** The limit once Pixel Data's value starts at `valueAt` of the inflated stream. */
function pixelLimit(module: DeclaredModule, valueAt: number): Limit {
  const { rows, columns } = module;
  if (!rows || !columns) return ceilingLimit('(Rows and Columns are not set before Pixel Data)');
  // Unset samples or bits are taken at their largest so a legitimate file is never held to too little.
  const samples = module.samples || 3;
  const bits = module.bitsAllocated || 32;
  const frames = declaredFrames(module.frames);
  const pixelBytes = rows * columns * samples * Math.ceil(bits / 8) * frames;
  const bytes = valueAt + pixelBytes + INFLATE_MARGIN;
  const declared =
    `its pixel module declares ${columns}×${rows} pixels × ${samples} sample(s) × ${bits} bits allocated × ${fmt(frames)} frame(s) ` +
    `= ${fmt(pixelBytes)} bytes of Pixel Data`;
  if (bytes > MAX_INFLATED_BYTES) return ceilingLimit(`(${declared})`);
  return {
    bytes,
    reason:
      `to more than ${fmt(bytes)} bytes, but ${declared} (with the ${fmt(valueAt)} bytes before it and ` +
      `${INFLATE_MARGIN / MiB} MiB for elements after it, ${fmt(bytes)} bytes at most)`,
  };
}

/**
 * Walks explicit VR little endian elements over the inflated bytes as they arrive, down into sequences of
 * undefined length (items and delimiters), until Pixel Data at the top level fixes the limit. Anything it cannot
 * step over safely (an unknown VR, UN of undefined length, unbalanced delimiters) leaves the absolute ceiling.
 */
class PixelModuleWalk {
  private at = 0;
  private depth = 0;
  private walked = 0;
  private countedAt = -1;
  private readonly module: DeclaredModule = {};
  limit: Limit | undefined;

  constructor(private readonly out: ChunkList) {}

  /** Advance over what has arrived; sets `limit` once it is known. */
  step(): void {
    const out = this.out;
    while (this.limit === undefined) {
      if (this.at + 8 > out.length) return;
      if (this.countedAt !== this.at && ++this.walked > MAX_WALKED_ELEMENTS) {
        this.giveUp(`(Pixel Data does not come within the first ${fmt(MAX_WALKED_ELEMENTS)} elements)`);
        return;
      }
      this.countedAt = this.at;
      const head = out.read(this.at, Math.min(12, out.length - this.at));
      const group = u16(head, 0);
      const element = u16(head, 2);
      if (group === 0xfffe) {
        const length = u32(head, 4);
        if (element === 0xe000 && length === UNDEFINED_LENGTH) {
          this.depth++;
          this.at += 8;
        } else if (element === 0xe000) {
          this.at += 8 + length;
        } else if ((element === 0xe00d || element === 0xe0dd) && this.depth > 0) {
          this.depth--;
          this.at += 8;
        } else {
          this.giveUp(`(an unexpected item tag (FFFE,${hex(element)}) precedes Pixel Data)`);
        }
        continue;
      }
      if (!isLetter(head[4]) || !isLetter(head[5])) {
        this.giveUp(`(the element (${hex(group)},${hex(element)}) before Pixel Data has no valid VR)`);
        return;
      }
      const vr = String.fromCharCode(head[4], head[5]);
      const long = LONG_VRS.has(vr);
      if (long && head.length < 12) return;
      const length = long ? u32(head, 8) : u16(head, 6);
      const valueAt = this.at + (long ? 12 : 8);
      if (group === 0x7fe0 && element === 0x0010 && this.depth === 0) {
        this.limit = pixelLimit(this.module, valueAt);
        return;
      }
      if (length === UNDEFINED_LENGTH) {
        if (vr !== 'SQ') {
          this.giveUp(`(the element (${hex(group)},${hex(element)}) before Pixel Data has an undefined length)`);
          return;
        }
        this.depth++;
        this.at = valueAt;
        continue;
      }
      const key = group === 0x0028 && this.depth === 0 ? MODULE_ELEMENTS[element] : undefined;
      if (key && length <= 64) {
        if (valueAt + length > out.length) return;
        const value = out.read(valueAt, length);
        if (key === 'frames') this.module.frames = String.fromCharCode(...value);
        else if (length >= 2) this.module[key] = u16(value, 0);
      }
      this.at = valueAt + length;
    }
  }

  private giveUp(why: string): void {
    this.limit = ceilingLimit(why);
  }
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
const isLetter = (c: number) => c >= 0x41 && c <= 0x5a;

/**
 * dicom-parser's inflater: the header bytes untouched, the rest raw-inflated, refusing (StudioError
 * 'inflated-too-large') as soon as the output passes the limit described above. Corrupt streams: 'decode-failed'.
 */
export function inflateDeflatedDataSet(byteArray: Uint8Array, position: number): Uint8Array {
  const input = byteArray.subarray(position);
  const out = new ChunkList();
  const walk = new PixelModuleWalk(out);
  const inflater = new Inflate((chunk) => out.add(chunk));

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      inflater.push(chunk, final);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new StudioError('decode-failed', `the deflated data set could not be inflated (${why}).`);
    }
  };
  const check = () => {
    if (walk.limit === undefined) walk.step();
    const limit = walk.limit ?? ceilingLimit('(Pixel Data has not been reached by then)');
    if (out.length > limit.bytes) {
      throw new StudioError('inflated-too-large', `the deflated data set inflates ${limit.reason}; refused as a decompression bomb.`);
    }
    return limit.bytes;
  };

  let limitBytes = check();
  let at = 0;
  let inputSinceOutput = 0;
  while (at < input.length) {
    const room = walk.limit === undefined ? 0 : Math.floor((limitBytes - out.length) / MAX_DEFLATE_RATIO);
    const step = Math.min(MAX_INPUT_STEP, Math.max(INPUT_STEP, room));
    const end = Math.min(input.length, at + step);
    const before = out.length;
    push(input.subarray(at, end), end === input.length);
    at = end;
    inputSinceOutput = out.length > before ? 0 : inputSinceOutput + step;
    limitBytes = check();
    if (inputSinceOutput >= STALLED_INPUT && at < input.length) {
      push(new Uint8Array(0), true);
      check();
      break;
    }
  }
  if (input.length === 0) push(input, true);
  return out.joinAfter(byteArray.subarray(0, position));
}
