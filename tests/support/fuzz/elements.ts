/**
 * A forgiving walk over the element headers of a DICOM file, for the mutator: where each (group, element, VR,
 * length) header sits, so a mutation can hit a length field, a tag or an element boundary exactly.
 * It descends into sequences and items and lists the items of encapsulated Pixel Data as fragments. It stops
 * quietly at the first header it cannot read (e.g. in a deflated data set): a partial list is still useful.
 */

export interface ElementHeader {
  /** byte offset of the tag */
  offset: number;
  group: number;
  element: number;
  /** explicit VR only */
  vr?: string;
  lengthAt: number;
  lengthSize: 2 | 4;
  length: number;
  valueAt: number;
  littleEndian: boolean;
  /** items of encapsulated Pixel Data: 0 is the Basic Offset Table, 1… the fragments */
  fragment?: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const SHORT_VRS = ['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US'];
export const ALL_VRS = [...LONG_VRS, ...SHORT_VRS];
const VR_SET = new Set(ALL_VRS);

export const UNDEFINED_LENGTH = 0xffffffff;
const ITEM_GROUP = 0xfffe;
const SEQUENCE_DELIMITER = 0xe0dd;
const MAX_HEADERS = 20_000;

export function hasDicmPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
}

/** Explicit/implicit and byte order of the data set, from the Transfer Syntax UID text in the meta group. */
function dataSetEncoding(bytes: Uint8Array): { explicit: boolean; littleEndian: boolean } {
  if (!hasDicmPrefix(bytes)) return { explicit: false, littleEndian: true };
  const head = new TextDecoder('latin1').decode(bytes.subarray(132, Math.min(bytes.length, 1024)));
  const uid = /1\.2\.840\.10008\.1\.2[0-9.]*/.exec(head)?.[0];
  if (uid === '1.2.840.10008.1.2') return { explicit: false, littleEndian: true };
  return { explicit: true, littleEndian: uid !== '1.2.840.10008.1.2.2' };
}

function readHeader(view: DataView, at: number, explicit: boolean, littleEndian: boolean): ElementHeader | undefined {
  if (at < 0 || at + 8 > view.byteLength) return undefined;
  const group = view.getUint16(at, littleEndian);
  const element = view.getUint16(at + 2, littleEndian);
  const base = { offset: at, group, element, littleEndian };
  if (group === ITEM_GROUP || !explicit) {
    return { ...base, lengthAt: at + 4, lengthSize: 4, length: view.getUint32(at + 4, littleEndian), valueAt: at + 8 };
  }
  const vr = String.fromCharCode(view.getUint8(at + 4), view.getUint8(at + 5));
  if (!VR_SET.has(vr)) return undefined;
  if (!LONG_VRS.has(vr)) return { ...base, vr, lengthAt: at + 6, lengthSize: 2, length: view.getUint16(at + 6, littleEndian), valueAt: at + 8 };
  if (at + 12 > view.byteLength) return undefined;
  return { ...base, vr, lengthAt: at + 8, lengthSize: 4, length: view.getUint32(at + 8, littleEndian), valueAt: at + 12 };
}

/** Every element header that can be read, in file order (meta group, data set, sequence items, pixel fragments). */
export function scanElements(bytes: Uint8Array): ElementHeader[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const encoding = dataSetEncoding(bytes);
  const headers: ElementHeader[] = [];
  let at = hasDicmPrefix(bytes) ? 132 : 0;
  while (headers.length < MAX_HEADERS) {
    // the meta group (0002) is always explicit VR little endian
    const inMeta = at + 2 <= bytes.length && view.getUint16(at, true) === 0x0002;
    const header = inMeta ? readHeader(view, at, true, true) : readHeader(view, at, encoding.explicit, encoding.littleEndian);
    if (!header) break;
    headers.push(header);
    const isPixelData = header.group === 0x7fe0 && header.element === 0x0010;
    if (isPixelData && header.length === UNDEFINED_LENGTH) {
      at = scanFragments(view, header, headers);
    } else if (header.group === ITEM_GROUP || header.vr === 'SQ' || header.length === UNDEFINED_LENGTH) {
      at = header.valueAt; // descend into the sequence or item (delimiters have length 0)
    } else {
      at = header.valueAt + header.length;
    }
  }
  return headers;
}

/** Items of encapsulated Pixel Data up to the sequence delimiter; returns the offset after it. */
function scanFragments(view: DataView, pixel: ElementHeader, headers: ElementHeader[]): number {
  let at = pixel.valueAt;
  for (let fragment = 0; headers.length < MAX_HEADERS; fragment++) {
    const item = readHeader(view, at, false, pixel.littleEndian);
    if (!item || item.group !== ITEM_GROUP) return at;
    if (item.element === SEQUENCE_DELIMITER) {
      headers.push(item);
      return item.valueAt;
    }
    headers.push({ ...item, fragment });
    at = item.valueAt + item.length;
  }
  return at;
}
