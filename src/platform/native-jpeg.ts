/**
 * The browser's own JPEG decoder (WebCodecs ImageDecoder: libjpeg-turbo in Chromium) for the import's scaled-decode
 * option: asked for a smaller size, it decodes 8-bit grey baseline JPEG at libjpeg-turbo's DCT scales (1/2, 1/4, 1/8).
 */

interface PlaneLayout {
  offset: number;
  stride: number;
}
interface VideoFrameLike {
  codedWidth: number;
  codedHeight: number;
  /** the frame's own pixel format, e.g. 'BGRX' or 'I420' */
  format: string | null;
  allocationSize(): number;
  copyTo(buffer: Uint8Array): Promise<PlaneLayout[]>;
  close(): void;
}
type ImageDecoderClass = new (init: { data: Uint8Array; type: string; desiredWidth?: number; desiredHeight?: number; colorSpaceConversion: 'none' }) => {
  decode(): Promise<{ image: VideoFrameLike }>;
  close(): void;
};

/** bytes per pixel of plane 0 in the frame's own format: 4 for the RGB(A) formats, 1 for a Y plane */
function planeZeroStep(format: string): number | null {
  if (/^(RGB|BGR)[AX]$/.test(format)) return 4;
  if (/^(I4[024]0|I4[024]4|I420A|I422A|I444A|NV12)$/.test(format)) return 1;
  return null;
}

/**
 * The grey samples of `stream` decoded at width×height (a DCT scale of its size), or null for the full WASM
 * decode: no ImageDecoder here, another size or an unknown pixel format came back, or the decoder failed.
 */
export async function decodeJpegScaled(stream: Uint8Array, width: number, height: number): Promise<Uint8Array | null> {
  const Decoder = (globalThis as { ImageDecoder?: ImageDecoderClass }).ImageDecoder;
  if (!Decoder) return null;
  let decoder: InstanceType<ImageDecoderClass> | undefined;
  try {
    decoder = new Decoder({ data: stream, type: 'image/jpeg', desiredWidth: width, desiredHeight: height, colorSpaceConversion: 'none' });
    const { image } = await decoder.decode();
    try {
      const step = image.format ? planeZeroStep(image.format) : null;
      if (step === null || image.codedWidth !== width || image.codedHeight !== height) return null;
      // the frame's own format: converting to RGBA on the way out would cost as much as the decoding
      const frame = new Uint8Array(image.allocationSize());
      const [plane] = await image.copyTo(frame);
      const grey = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) {
        const row = plane.offset + y * plane.stride;
        for (let x = 0; x < width; x++) grey[y * width + x] = frame[row + x * step];
      }
      return grey;
    } finally {
      image.close();
    }
  } catch {
    return null;
  } finally {
    decoder?.close();
  }
}
