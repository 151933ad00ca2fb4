/** Google's Turbo colormap, polynomial approximation (A. Mikhailov, 2019): t in [0,1] -> r,g,b in [0,1]. */
export function turbo(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return [clamp(r), clamp(g), clamp(b)];
}

/**
 * Opaque RGBA (size² pixels) of a grey image blended with the Turbo-coloured heat map:
 * rgb = (1 − opacity)·grey + opacity·turbo(heat), opacity in [0,1].
 */
export function colormapOverlay(grey: Uint8Array, heat: Float32Array, size: number, opacity: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * size * 4);
  const a = Math.min(1, Math.max(0, opacity));
  for (let i = 0; i < size * size; i++) {
    const rgb = turbo(heat[i]);
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round((1 - a) * grey[i] + a * 255 * rgb[c]);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** The Turbo scale as a CSS linear-gradient (low → high along `direction`), from `stops` evenly spaced samples. */
export function turboGradient(direction = 'to right', stops = 11): string {
  const colours = Array.from({ length: stops }, (_, i) => {
    const t = i / (stops - 1);
    const [r, g, b] = turbo(t).map((v) => Math.round(255 * v));
    return `rgb(${r}, ${g}, ${b}) ${Math.round(100 * t)}%`;
  });
  return `linear-gradient(${direction}, ${colours.join(', ')})`;
}
