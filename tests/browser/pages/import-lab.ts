/**
 * Test page for the import's JPEG decoding by the browser (Chromium's ImageDecoder, at full size or at a DCT scale)
 * against the WASM decode, on files served from the shared data folder (/__shared/...). Exposed as `window.lab`.
 */
import { renderToModelSize } from '../../../src/lib/image';
import { decodeJpegNative } from '../../../src/platform/native-jpeg';

export interface ScaledComparison {
  file: string;
  /** whether the browser's decoder ran (else both paths took the WASM decode) */
  scaled: boolean;
  mae: number;
}

async function compare(files: string[], size: number, dctScale = true): Promise<ScaledComparison[]> {
  const out: ScaledComparison[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(await (await fetch(`/__shared/${file}`)).arrayBuffer());
    let scaled = false;
    const counting = async (stream: Uint8Array, width: number, height: number) => {
      const samples = await decodeJpegNative(stream, width, height);
      scaled ||= samples !== null;
      return samples;
    };
    const full = await renderToModelSize(bytes, file, size, 'stretch');
    const small = await renderToModelSize(bytes, file, size, 'stretch', undefined, { decoder: counting, dctScale });
    let sum = 0;
    for (let i = 0; i < full.pixels.length; i++) sum += Math.abs(full.pixels[i] - small.pixels[i]);
    out.push({ file, scaled, mae: sum / full.pixels.length });
  }
  return out;
}

(window as unknown as { lab: unknown }).lab = { ready: Promise.resolve('import'), compare };
