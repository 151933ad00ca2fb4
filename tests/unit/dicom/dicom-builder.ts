/** Builds small DICOM files byte by byte for tests (explicit or implicit VR little endian). */

const LONG_LENGTH_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UN', 'UT', 'UC', 'UR']);

export type Value = string | number[] | Uint8Array;

export interface ElementSpec {
  tag: [number, number];
  vr: string;
  value: Value;
}

function valueBytes(vr: string, value: Value): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === 'string') bytes = new TextEncoder().encode(value);
  else {
    const size = vr === 'US' || vr === 'SS' ? 2 : 4;
    bytes = new Uint8Array(value.length * size);
    const view = new DataView(bytes.buffer);
    value.forEach((v, i) => {
      if (vr === 'US') view.setUint16(i * size, v, true);
      else if (vr === 'SS') view.setInt16(i * size, v, true);
      else view.setUint32(i * size, v, true);
    });
  }
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  padded[bytes.length] = vr === 'UI' || vr === 'OB' ? 0 : 0x20;
  return padded;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u16(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff]);
}
function u32(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]);
}

export function explicitElement({ tag, vr, value }: ElementSpec): Uint8Array {
  const data = valueBytes(vr, value);
  const header = LONG_LENGTH_VRS.has(vr)
    ? concat([u16(tag[0]), u16(tag[1]), new TextEncoder().encode(vr), u16(0), u32(data.length)])
    : concat([u16(tag[0]), u16(tag[1]), new TextEncoder().encode(vr), u16(data.length)]);
  return concat([header, data]);
}

export function implicitElement({ tag, vr, value }: ElementSpec): Uint8Array {
  const data = valueBytes(vr, value);
  return concat([u16(tag[0]), u16(tag[1]), u32(data.length), data]);
}

/** Encapsulated Pixel Data (PS3.5 A.4): undefined length, Basic Offset Table item, one item per fragment. */
export function encapsulatedPixelData(fragments: Uint8Array[], offsetTable: number[] = []): Uint8Array {
  const item = (bytes: Uint8Array) => {
    const even = bytes.length % 2 ? concat([bytes, new Uint8Array(1)]) : bytes; // items have even length
    return concat([u16(0xfffe), u16(0xe000), u32(even.length), even]);
  };
  return concat([
    u16(0x7fe0),
    u16(0x0010),
    new TextEncoder().encode('OB'),
    u16(0),
    u32(0xffffffff),
    item(concat(offsetTable.map(u32))),
    ...fragments.map(item),
    u16(0xfffe),
    u16(0xe0dd),
    u32(0),
  ]);
}

export interface ImageSpec {
  rows: number;
  columns: number;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  photometric?: string;
  samplesPerPixel?: number;
  frames?: number;
  extra?: ElementSpec[];
}

export function imageElements(spec: ImageSpec): ElementSpec[] {
  const bits = spec.bitsAllocated ?? 8;
  const stored = spec.bitsStored ?? bits;
  const list: ElementSpec[] = [
    { tag: [0x0008, 0x0060], vr: 'CS', value: 'DX' },
    { tag: [0x0010, 0x0020], vr: 'LO', value: 'PAT-1' },
    { tag: [0x0028, 0x0002], vr: 'US', value: [spec.samplesPerPixel ?? 1] },
    { tag: [0x0028, 0x0004], vr: 'CS', value: spec.photometric ?? 'MONOCHROME2' },
    { tag: [0x0028, 0x0010], vr: 'US', value: [spec.rows] },
    { tag: [0x0028, 0x0011], vr: 'US', value: [spec.columns] },
    { tag: [0x0028, 0x0100], vr: 'US', value: [bits] },
    { tag: [0x0028, 0x0101], vr: 'US', value: [stored] },
    { tag: [0x0028, 0x0102], vr: 'US', value: [stored - 1] },
    { tag: [0x0028, 0x0103], vr: 'US', value: [spec.pixelRepresentation ?? 0] },
  ];
  if (spec.frames) list.push({ tag: [0x0028, 0x0008], vr: 'IS', value: String(spec.frames) });
  return [...list, ...(spec.extra ?? [])];
}

/** A Part 10 file: preamble, "DICM", meta group with the transfer syntax, then the data set in explicit VR LE. */
export function part10(transferSyntax: string, elements: ElementSpec[], pixelData?: Uint8Array): Uint8Array {
  const meta = concat([
    explicitElement({ tag: [0x0002, 0x0001], vr: 'OB', value: new Uint8Array([0, 1]) }),
    explicitElement({ tag: [0x0002, 0x0010], vr: 'UI', value: transferSyntax }),
  ]);
  const groupLength = explicitElement({ tag: [0x0002, 0x0000], vr: 'UL', value: [meta.length] });
  const sorted = [...elements].sort((a, b) => a.tag[0] - b.tag[0] || a.tag[1] - b.tag[1]);
  return concat([
    new Uint8Array(128),
    new TextEncoder().encode('DICM'),
    groupLength,
    meta,
    ...sorted.map(explicitElement),
    pixelData ?? new Uint8Array(0),
  ]);
}

/** Native pixel data element (OW for 16-bit, OB otherwise) from raw little-endian bytes. */
export function nativePixelData(bytes: Uint8Array, bitsAllocated = 8): Uint8Array {
  return explicitElement({ tag: [0x7fe0, 0x0010], vr: bitsAllocated > 8 ? 'OW' : 'OB', value: bytes });
}

export function uint16Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v & 0xffff, true));
  return out;
}

/** RLE Lossless frame (PS3.5 G) with every segment stored as literal runs of at most 128 bytes. */
export function rleFrame(segments: Uint8Array[]): Uint8Array {
  const encoded = segments.map((segment) => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < segment.length; i += 128) {
      const run = segment.subarray(i, i + 128);
      parts.push(new Uint8Array([run.length - 1]), run);
    }
    const body = concat(parts);
    return body.length % 2 ? concat([body, new Uint8Array([0x80])]) : body; // -128: no-op padding
  });
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  encoded.forEach((e, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += e.length;
  });
  return concat([header, ...encoded]);
}

/** `elements` with the value of `tag` replaced (or added). */
export function withValue(elements: ElementSpec[], tag: [number, number], vr: string, value: ElementSpec['value']): ElementSpec[] {
  const rest = elements.filter((e) => e.tag[0] !== tag[0] || e.tag[1] !== tag[1]);
  return [...rest, { tag, vr, value }];
}
