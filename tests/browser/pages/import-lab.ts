/**
 * Test page for the import's scaled JPEG decoding (Chromium's ImageDecoder at a DCT scale) against the full decode,
 * on files served from the shared data folder (/__shared/...). Exposed as `window.lab`.
 */
import { renderToModelSize } from '../../../src/lib/image';
import { decodeJpegScaled } from '../../../src/platform/native-jpeg';

export interface ScaledComparison {
  file: string;
  /** whether the scaled decoding ran (else both paths decoded in full) */
  scaled: boolean;
  mae: number;
}

async function compare(files: string[], size: number): Promise<ScaledComparison[]> {
  const out: ScaledComparison[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(await (await fetch(`/__shared/${file}`)).arrayBuffer());
    let scaled = false;
    const counting = async (stream: Uint8Array, width: number, height: number) => {
      const samples = await decodeJpegScaled(stream, width, height);
      scaled ||= samples !== null;
      return samples;
    };
    const full = await renderToModelSize(bytes, file, size, 'stretch');
    const small = await renderToModelSize(bytes, file, size, 'stretch', undefined, counting);
    let sum = 0;
    for (let i = 0; i < full.pixels.length; i++) sum += Math.abs(full.pixels[i] - small.pixels[i]);
    out.push({ file, scaled, mae: sum / full.pixels.length });
  }
  return out;
}

(window as unknown as { lab: unknown }).lab = { ready: Promise.resolve('import'), compare };
