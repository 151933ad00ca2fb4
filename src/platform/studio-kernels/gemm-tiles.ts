/**
 * The tiled GEMM loop every studio convolution kernel shares: C[m, n] = Σ_k A[m, k] · B[k, n] over
 * one K range, where A and B are implicit (gathered from tensors by WGSL functions the kernel supplies).
 *
 * A 16 × 16 workgroup computes a (16·rm) × (16·rn) tile of C, rm × rn values per thread in vec4 registers:
 * rows ty + 16 i, columns tx + 16 j. Each step stages a slice of A and of B, `depth` deep, in workgroup
 * memory (16 KB together, WebGPU's guaranteed minimum). 8 × 8 blocks do twice the multiply-adds per
 * workgroup-memory read of 4 × 4 ones (the limit on SwiftShader, where such reads are per-lane gathers,
 * and on GPUs) but waste more of a tile on a dimension under 128, so each kernel picks per shape (tileShapeFor).
 * `along`: which index consecutive threads walk when loading, chosen so that they read neighbouring addresses.
 */
export type LoadOrder = 'rows' | 'depth';

export interface TileShape {
  /** rows per thread: the tile is 16·rm rows of C */
  rm: 4 | 8;
  /** columns per thread: the tile is 16·rn columns of C */
  rn: 4 | 8;
}

export const tileRows = (t: TileShape) => 16 * t.rm;
export const tileCols = (t: TileShape) => 16 * t.rn;
/** K per step: both slices fill 16 KB of workgroup memory (64 × 32 + 32 × 64, or 16 deep for larger tiles) */
export const tileDepth = (t: TileShape) => (t.rm + t.rn === 8 ? 32 : 16);

/** 8 rows (or columns) per thread on a dimension of at least 128, else 4. */
export function tileShapeFor(M: number, N: number): TileShape {
  return { rm: M >= 128 ? 8 : 4, rn: N >= 128 ? 8 : 4 };
}

export const tileKey = (t: TileShape) => `${t.rm}x${t.rn}`;

/**
 * WGSL of one kernel's operands. Index decoding (integer division, slow on every GPU and emulated per lane
 * on SwiftShader) is split from the loads so that it runs once per row and once per depth, not per element:
 * a thread's rows stay the same for the whole K loop, and with 'depth' loading its depth is one per step.
 */
export interface GemmKernelCode {
  /** fn aRow(m : i32) -> vec4<i32>: what a load of A needs about row m */
  aRow: string;
  /** fn aDepth(k : i32) -> vec4<i32>: what a load of A needs about depth k */
  aDepth: string;
  /** fn loadA(row : vec4<i32>, depth : vec4<i32>) -> f32, called only for m < uniforms.M and k in the K range */
  loadA: string;
  /** fn bDepth(k : i32) -> vec4<i32> */
  bDepth: string;
  /** fn loadB(depth : vec4<i32>, n : i32) -> f32, called only for n < uniforms.N and k in the K range */
  loadB: string;
  /** fn store(m : i32, n : i32, value : f32), called only for m < uniforms.M and n < uniforms.N */
  store: string;
  /** consecutive threads walk A's m ('rows') or k ('depth') */
  aAlong: LoadOrder;
  /** consecutive threads walk B's n ('rows') or k ('depth') */
  bAlong: LoadOrder;
  /** WGSL expressions (may use `split`) for the K range this workgroup sums: [kBegin, kEnd) and its uniform length */
  kRange?: { begin: string; end: string; length: string };
}

/**
 * Where element (side index s, depth d) of a slice goes: slot (s % 16) + 16 · (s / 64), lane (s / 16) % 4, so that
 * thread t's 4·g-th to 4·g+3-th rows (t + 64 g + 16 c, c < 4) are one vec4.
 */
const slot = (tile: string, s: string, d: string) => `tile${tile}[${d}][(${s}) % 16 + 16 * ((${s}) / 64)][((${s}) / 16) % 4]`;

interface LoadPlan {
  /** loads per thread per step */
  count: number;
  side: (i: string) => string;
  depth: (i: string) => string;
}

/** `extent` = the slice's side (16·rm or 16·rn); 256 threads load extent × depth elements per step. */
function loadPlan(along: LoadOrder, extent: number, depth: number): LoadPlan {
  const count = (extent * depth) / 256;
  return along === 'depth'
    ? { count, side: (i) => `tid / ${depth} + ${256 / depth} * ${i}`, depth: () => `tid % ${depth}` }
    : { count, side: () => `tid % ${extent}`, depth: (i) => `tid / ${extent} + ${256 / extent} * ${i}` };
}

/** Loads of A: rows decoded before the K loop, depths once per step ('depth') or per load ('rows'). */
function loadsOfA(along: LoadOrder, t: TileShape): { before: string; step: string } {
  const p = loadPlan(along, tileRows(t), tileDepth(t));
  if (along === 'depth') {
    return {
      before: `var aRows : array<vec4<i32>, ${p.count}>;
        for (var i = 0; i < ${p.count}; i = i + 1) { aRows[i] = aRow(min(m0 + ${p.side('i')}, uniforms.M - 1)); }`,
      step: `{
            let d = ${p.depth('0')};
            let k = k0 + d;
            let depth = aDepth(k);
            for (var i = 0; i < ${p.count}; i = i + 1) {
              let s = ${p.side('i')};
              var v = 0.0;
              if (k < kEnd && m0 + s < uniforms.M) { v = loadA(aRows[i], depth); }
              ${slot('A', 's', 'd')} = v;
            }
          }`,
    };
  }
  return {
    before: `let aRow0 = aRow(min(m0 + ${p.side('0')}, uniforms.M - 1));`,
    step: `{
            let s = ${p.side('0')};
            for (var i = 0; i < ${p.count}; i = i + 1) {
              let d = ${p.depth('i')};
              let k = k0 + d;
              var v = 0.0;
              if (k < kEnd && m0 + s < uniforms.M) { v = loadA(aRow0, aDepth(k)); }
              ${slot('A', 's', 'd')} = v;
            }
          }`,
  };
}

function loadsOfB(along: LoadOrder, t: TileShape): string {
  const p = loadPlan(along, tileCols(t), tileDepth(t));
  const perStep = along === 'depth';
  return `{
            ${perStep ? `let depth = bDepth(k0 + ${p.depth('0')});` : ''}
            for (var i = 0; i < ${p.count}; i = i + 1) {
              let s = ${p.side('i')};
              let d = ${p.depth('i')};
              let k = k0 + d;
              var v = 0.0;
              if (k < kEnd && n0 + s < uniforms.N) { v = loadB(${perStep ? 'depth' : 'bDepth(k)'}, n0 + s); }
              ${slot('B', 's', 'd')} = v;
            }
          }`;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The WGSL body of a kernel with uniforms M, N, K (and any the loaders use); workgroupId.x runs over N tiles,
 * workgroupId.y over M tiles, workgroupId.z is `split` (the K range, by default all of K).
 */
export function gemmShader(code: GemmKernelCode, t: TileShape): string {
  const kr = code.kRange ?? { begin: '0', end: 'uniforms.K', length: 'uniforms.K' };
  const depth = tileDepth(t);
  const a = loadsOfA(code.aAlong, t);
  const ga = t.rm / 4; // vec4 groups of rows per thread
  const gb = t.rn / 4; // vec4 groups of columns per thread
  // acc_r_h: row r of the thread's block (r = 4 g + c ↔ tile row ty + 64 g + 16 c), columns of group h
  const accs = range(t.rm).flatMap((r) => range(gb).map((h) => `acc_${r}_${h}`));
  const lanes = ['x', 'y', 'z', 'w'];
  const fmas = range(t.rm).flatMap((r) => range(gb).map((h) => `acc_${r}_${h} = fma(vec4<f32>(a${Math.floor(r / 4)}.${lanes[r % 4]}), b${h}, acc_${r}_${h});`));
  const stores = range(t.rm).flatMap((r) =>
    range(gb).map(
      (h) => `{
          let m = m0 + ty + ${64 * Math.floor(r / 4) + 16 * (r % 4)};
          for (var j = 0; j < 4; j = j + 1) {
            let n = n0 + tx + ${64 * h} + 16 * j;
            if (m < uniforms.M && n < uniforms.N) { store(m, n, acc_${r}_${h}[j]); }
          }
        }`,
    ),
  );
  return `
      var<workgroup> tileA : array<array<vec4<f32>, ${4 * t.rm}>, ${depth}>;
      var<workgroup> tileB : array<array<vec4<f32>, ${4 * t.rn}>, ${depth}>;

      ${code.aRow}
      ${code.aDepth}
      ${code.loadA}
      ${code.bDepth}
      ${code.loadB}
      ${code.store}

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let tid = ty * 16 + tx;
        let m0 = i32(workgroupId.y) * ${tileRows(t)};
        let n0 = i32(workgroupId.x) * ${tileCols(t)};
        let split = i32(workgroupId.z);
        let kBegin = ${kr.begin};
        let kEnd = ${kr.end};
        ${a.before}
        ${accs.map((v) => `var ${v} = vec4<f32>(0.0);`).join('\n        ')}
        // the loop bound must be uniform for the barriers (workgroupId is read through a private variable)
        let steps = (${kr.length} + ${depth - 1}) / ${depth};
        for (var step = 0; step < steps; step = step + 1) {
          let k0 = kBegin + step * ${depth};
          ${a.step}
          ${loadsOfB(code.bAlong, t)}
          workgroupBarrier();
          for (var d = 0; d < ${depth}; d = d + 1) {
            ${range(ga).map((g) => `let a${g} = tileA[d][ty + ${16 * g}];`).join('\n            ')}
            ${range(gb).map((h) => `let b${h} = tileB[d][tx + ${16 * h}];`).join('\n            ')}
            ${fmas.join('\n            ')}
          }
          workgroupBarrier();
        }
        ${stores.join('\n        ')}
      }
    `;
}
