/**
 * Renders a few demo images (lesion outlines in red on the right half of the sheet) to
 * /tmp/cxr-demo-sheet.png for a person to look at; asserts the PNG round-trips.
 */
import { decode, encode } from 'fast-png';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, generateDemoScene } from '../../../src/lib/demo';

function contactSheet(indices: number[], size: number): { width: number; height: number; data: Uint8Array } {
  // Row k: image k as rendered, then the same image with its lesion mask outlined in red.
  const width = 2 * size;
  const height = indices.length * size;
  const data = new Uint8Array(width * height * 3);
  indices.forEach((index, k) => {
    const scene = generateDemoScene(index, { ...DEMO_DEFAULTS, size });
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const i = r * size + c;
        const grey = scene.pixels[i];
        const m = scene.lesionMask;
        const edge = m[i] === 1 && (r === 0 || c === 0 || r === size - 1 || c === size - 1 || !m[i - 1] || !m[i + 1] || !m[i - size] || !m[i + size]);
        const left = ((k * size + r) * width + c) * 3;
        const right = left + size * 3;
        data.set([grey, grey, grey], left);
        data.set(edge ? [255, 0, 0] : [grey, grey, grey], right);
      }
    }
  });
  return { width, height, data };
}

describe('demo rendering', () => {
  it('writes a contact sheet that decodes back to the same pixels', () => {
    const count = Number(process.env.DEMO_SHEET_COUNT ?? 4);
    const sheet = contactSheet(Array.from({ length: count }, (_, i) => i), 224);
    const png = encode({ ...sheet, channels: 3, depth: 8 });
    writeFileSync('/tmp/cxr-demo-sheet.png', png);
    const back = decode(png);
    expect([back.width, back.height]).toEqual([sheet.width, sheet.height]);
    expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(sheet.data))).toBe(true);
  });
});
