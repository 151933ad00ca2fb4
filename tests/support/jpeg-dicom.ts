/**
 * RSNA-sized test DICOM files: a synthetic 8-bit grey radiograph-like image, JPEG-baseline encoded by
 * Debian's `cjpeg` (libjpeg-turbo-progs), wrapped as Part 10 with encapsulated pixel data.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encapsulatedPixelData, imageElements, part10 } from '../unit/dicom/dicom-builder';

export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

/** A smooth body-like blob with ribs-like stripes and per-image noise: compresses like a real CXR. */
export function syntheticRadiograph(size: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(size * size);
  let state = seed * 2654435761 >>> 0;
  const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 24;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x - size / 2) / (size * 0.38);
      const dy = (y - size / 2) / (size * 0.45);
      const body = Math.max(0, 1 - dx * dx - dy * dy);
      const ribs = 0.5 + 0.5 * Math.sin((y / size) * 40 + seed);
      pixels[y * size + x] = Math.max(0, Math.min(255, 30 + 150 * body + 40 * body * ribs + noise()));
    }
  }
  return pixels;
}

/** Grey 8-bit pixels → baseline JPEG bytes through cjpeg (PGM on stdin). */
export function encodeJpegBaseline(pixels: Uint8Array, size: number, quality = 90): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${size} ${size}\n255\n`);
  const pgm = new Uint8Array(header.length + pixels.length);
  pgm.set(header);
  pgm.set(pixels, header.length);
  try {
    return new Uint8Array(execFileSync('cjpeg', ['-quality', String(quality), '-baseline'], { input: pgm, maxBuffer: 64 << 20 }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('cjpeg not found: install libjpeg-turbo-progs (apt-get install libjpeg-turbo-progs)');
    throw e;
  }
}

export function jpegDicom(jpeg: Uint8Array, size: number, patientId: string, patientName = 'ANON'): Uint8Array {
  const elements = imageElements({ rows: size, columns: size }).filter((e) => !(e.tag[0] === 0x0010 && e.tag[1] === 0x0020));
  elements.push({ tag: [0x0010, 0x0020], vr: 'LO', value: patientId }, { tag: [0x0010, 0x0010], vr: 'PN', value: patientName });
  return part10(JPEG_BASELINE, elements, encapsulatedPixelData([jpeg]));
}

/**
 * A folder of `count` RSNA-sized (1024×1024, 8-bit, JPEG baseline) DICOM files in NORMAL/ and PNEUMONIA/,
 * each with its own patient: what the import benchmarks read. A few distinct JPEGs are reused (encoding
 * is not what is measured). Returns the bytes written.
 */
export function writeRsnaSizedFolder(dir: string, count: number, sourceSize = 1024, distinct = 8): number {
  rmSync(dir, { recursive: true, force: true });
  const jpegs = Array.from({ length: distinct }, (_, i) => encodeJpegBaseline(syntheticRadiograph(sourceSize, i + 1), sourceSize));
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, i % 2 ? 'PNEUMONIA' : 'NORMAL');
    mkdirSync(folder, { recursive: true });
    const file = jpegDicom(jpegs[i % distinct], sourceSize, `BENCH-${i}`);
    bytes += file.length;
    writeFileSync(path.join(folder, `IM-${String(i).padStart(5, '0')}.dcm`), file);
  }
  return bytes;
}
