// Type declarations for codec packages that ship none. Only what this folder uses is declared.

interface EmscriptenCodecOptions {
  locateFile?: (file: string, scriptDirectory: string) => string;
  wasmBinary?: ArrayBuffer | Uint8Array;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}
type EmscriptenCodecFactory = (options?: EmscriptenCodecOptions) => Promise<unknown>;

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: EmscriptenCodecFactory;
  export default factory;
}

declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** numBytes: 1 for 8-bit output, 2 for 16-bit output. */
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  }
}
