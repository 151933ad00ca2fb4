export { renderImageFile, sniffFormat, type ImageInfo, type RenderedImage } from './render';
export { describeTransferSyntax, findTransferSyntax, type TransferSyntax } from './transfer-syntax';
export { loadCodec, type CodecName } from './codecs';
