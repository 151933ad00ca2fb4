/**
 * Where the map's points go on the canvas: one scale for both axes (distances mean the same across and down), the
 * points' bounding box centred with a margin; y grows downwards as on screen. Hit tests work in canvas pixels.
 */

/** pixel = (a·x + b, c·y + d) */
export interface MapTransform {
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** `coords`: x0, y0, x1, y1, … */
export function fitTransform(coords: ArrayLike<number>, width: number, height: number, margin: number): MapTransform {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < coords.length; i += 2) {
    minX = Math.min(minX, coords[i]);
    maxX = Math.max(maxX, coords[i]);
    minY = Math.min(minY, coords[i + 1]);
    maxY = Math.max(maxY, coords[i + 1]);
  }
  if (!Number.isFinite(minX)) return { a: 1, b: width / 2, c: 1, d: height / 2 };
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY);
  return { a: scale, b: width / 2 - scale * (minX + maxX) / 2, c: scale, d: height / 2 - scale * (minY + maxY) / 2 };
}

export function toPixel(t: MapTransform, x: number, y: number): [number, number] {
  return [t.a * x + t.b, t.c * y + t.d];
}

/** the box spanned by two corners in any order */
export function boxFrom(ax: number, ay: number, bx: number, by: number): Box {
  return { x0: Math.min(ax, bx), y0: Math.min(ay, by), x1: Math.max(ax, bx), y1: Math.max(ay, by) };
}

/** Indices of the points whose pixel position lies in the box (edges included). */
export function pointsInBox(coords: ArrayLike<number>, t: MapTransform, box: Box): number[] {
  const inside: number[] = [];
  for (let i = 0; 2 * i + 1 < coords.length; i++) {
    const [px, py] = toPixel(t, coords[2 * i], coords[2 * i + 1]);
    if (px >= box.x0 && px <= box.x1 && py >= box.y0 && py <= box.y1) inside.push(i);
  }
  return inside;
}

/** The point drawn nearest to (px, py) within `within` pixels of its centre, or -1. */
export function nearestPoint(coords: ArrayLike<number>, t: MapTransform, px: number, py: number, within: number): number {
  let best = -1;
  let bestDistance = within * within;
  for (let i = 0; 2 * i + 1 < coords.length; i++) {
    const [x, y] = toPixel(t, coords[2 * i], coords[2 * i + 1]);
    const d = (x - px) ** 2 + (y - py) ** 2;
    if (d <= bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}
