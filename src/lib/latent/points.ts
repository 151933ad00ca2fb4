/** The map's points: what the training worker says about each image, joined with its projected position. */
import type { ImageTags } from '../audit/types';
import { displayProbability, imageLoss, predictedClass } from '../eval/summary';

/** One image as the training worker's feature pass returns it. */
export interface LatentImage {
  id: string;
  sourcePath: string;
  /** 'train' | 'val' | 'test' | 'external' */
  split: string;
  /** class index of the training dataset */
  label: number;
  logits: number[];
  /** global average pool of layer 4's output (the fc layer's input) */
  features: Float32Array;
  /** thumbnailSize² grey values, row-major */
  thumbnail: Uint8Array;
  thumbnailSize: number;
  /** the DICOM attributes the audit groups by; absent for PNG/JPEG and demo images */
  tags?: ImageTags;
}

export interface LatentPoint {
  id: string;
  sourcePath: string;
  split: string;
  label: number;
  predicted: number;
  /** positive-class probability (binary) or that of the predicted class, with the temperature applied */
  p: number;
  /** BCE (binary) or cross-entropy of the label, with the temperature applied */
  loss: number;
  correct: boolean;
  x: number;
  y: number;
  tags: ImageTags;
}

/** Points of `images` at `coords` (x0, y0, x1, y1, …), scored at `threshold` with logits divided by `temperature`. */
export function latentPoints(images: Array<Omit<LatentImage, 'features' | 'thumbnail' | 'thumbnailSize'>>, coords: ArrayLike<number>, threshold: number, temperature = 1): LatentPoint[] {
  return images.map((image, i) => {
    const logits = image.logits.map((z) => z / temperature);
    const predicted = predictedClass(logits, threshold);
    return {
      id: image.id,
      sourcePath: image.sourcePath,
      split: image.split,
      label: image.label,
      predicted,
      p: displayProbability(logits, threshold),
      loss: imageLoss(logits, image.label),
      correct: predicted === image.label,
      x: coords[2 * i],
      y: coords[2 * i + 1],
      tags: image.tags ?? {},
    };
  });
}

/** n feature vectors of one length as one row-major array (what the projection takes) */
export function stackFeatures(images: Array<Pick<LatentImage, 'features'>>): { features: Float32Array; dim: number } {
  const dim = images[0]?.features.length ?? 0;
  const features = new Float32Array(images.length * dim);
  images.forEach((image, i) => features.set(image.features, i * dim));
  return { features, dim };
}
