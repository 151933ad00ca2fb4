/**
 * Lazy loader for the WebAssembly codecs. Each codec's JS glue and .wasm are fetched on first use only.
 *
 * - In Node (Vitest) the .wasm is read from node_modules with node:fs and handed over as `wasmBinary`.
 *   The Node-only modules are imported through a variable specifier so Vite never bundles them.
 * - In the browser (a Vite-built module worker) the .wasm is a Vite asset (`?url`) returned by `locateFile`.
 */

/** The shape every Emscripten decoder class of @cornerstonejs/codec-* shares. */
export interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  /** A view into wasm memory: copy it before the decoder is deleted. */
  getDecodedBuffer(): Uint8Array;
  /** CharLS only: 0 means the components come one plane after another */
  getInterleaveMode?(): number;
  delete(): void;
}
export type WasmDecoderClass = new () => WasmDecoder;

export type CodecName = 'libjpeg-turbo' | 'charls' | 'openjpeg' | 'openjph';

interface CodecSpec {
  className: string;
  factory: () => Promise<{ default: EmscriptenCodecFactory }>;
  /** Package specifier of the .wasm, resolved with require.resolve in Node. */
  wasmSpecifier: string;
  wasmUrl: () => Promise<{ default: string }>;
}

const SPECS: Record<CodecName, CodecSpec> = {
  'libjpeg-turbo': {
    className: 'JPEGDecoder',
    factory: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
    wasmSpecifier: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
    wasmUrl: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url'),
  },
  charls: {
    className: 'JpegLSDecoder',
    factory: () => import('@cornerstonejs/codec-charls/decodewasmjs'),
    wasmSpecifier: '@cornerstonejs/codec-charls/decodewasm',
    wasmUrl: () => import('@cornerstonejs/codec-charls/decodewasm?url'),
  },
  openjpeg: {
    className: 'J2KDecoder',
    factory: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
    wasmSpecifier: '@cornerstonejs/codec-openjpeg/decodewasm',
    wasmUrl: () => import('@cornerstonejs/codec-openjpeg/decodewasm?url'),
  },
  openjph: {
    className: 'HTJ2KDecoder',
    factory: () => import('@cornerstonejs/codec-openjph/wasmjs'),
    wasmSpecifier: '@cornerstonejs/codec-openjph/wasm',
    wasmUrl: () => import('@cornerstonejs/codec-openjph/wasm?url'),
  },
};

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function wasmOptionsForNode(spec: CodecSpec): Promise<EmscriptenCodecOptions> {
  // Variable specifiers keep these out of the browser bundle (Vite cannot follow them).
  const moduleName = 'node:module';
  const fsName = 'node:fs/promises';
  const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
  const { readFile } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const wasmPath = createRequire(import.meta.url).resolve(spec.wasmSpecifier);
  return { wasmBinary: new Uint8Array(await readFile(wasmPath)) };
}

async function wasmOptionsForBrowser(spec: CodecSpec): Promise<EmscriptenCodecOptions> {
  const { default: url } = await spec.wasmUrl();
  return { locateFile: (file) => (file.endsWith('.wasm') ? url : file) };
}

async function instantiate(name: CodecName): Promise<WasmDecoderClass> {
  const spec = SPECS[name];
  const [{ default: factory }, wasm] = await Promise.all([
    spec.factory(),
    isNode ? wasmOptionsForNode(spec) : wasmOptionsForBrowser(spec),
  ]);
  // OpenJPEG prints "[INFO] …" for every frame; keep codec chatter out of the console
  const quiet = { print: () => {}, printErr: () => {} };
  const module = (await factory({ ...wasm, ...quiet })) as Record<string, unknown>;
  const decoderClass = module[spec.className];
  if (typeof decoderClass !== 'function') throw new Error(`codec ${name} has no ${spec.className}`);
  return decoderClass as WasmDecoderClass;
}

const loaded = new Map<CodecName, Promise<WasmDecoderClass>>();

/** The decoder class of a codec, instantiated once per realm (worker or test process). */
export function loadCodec(name: CodecName): Promise<WasmDecoderClass> {
  let pending = loaded.get(name);
  if (!pending) {
    pending = instantiate(name);
    // A failed load (e.g. a missing asset) may be retried later.
    pending.catch(() => loaded.delete(name));
    loaded.set(name, pending);
  }
  return pending;
}

/** Run one frame through a wasm decoder; returns a copy of the decoded bytes and the frame info. */
export async function decodeWithWasm(
  name: CodecName,
  encoded: Uint8Array,
): Promise<{ bytes: Uint8Array; info: WasmFrameInfo; planar: boolean }> {
  const DecoderClass = await loadCodec(name);
  let decoder: WasmDecoder | undefined;
  try {
    decoder = new DecoderClass();
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const bytes = decoder.getDecodedBuffer().slice();
    const planar = info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
    return { bytes, info: { ...info }, planar };
  } catch (e) {
    // A wasm trap or Emscripten abort leaves the instance unusable: the next frame gets a fresh one.
    if (e instanceof WebAssembly.RuntimeError || (e instanceof Error && /^Aborted\(/.test(e.message))) loaded.delete(name);
    throw e;
  } finally {
    try {
      decoder?.delete();
    } catch {
      loaded.delete(name); // deleting failed: the instance is broken, keep the first error
    }
  }
}
