import { strToU8 } from 'fflate';
import trainPy from './train.py?raw';
import { projectConfig, type ProjectDataset } from './config';
import { DICOM_REQUIREMENTS, projectReadme, REQUIREMENTS } from './readme';
import type { TrainConfig } from '../train/config';

export interface ProjectFile {
  path: string;
  bytes: Uint8Array;
}

/** train.py's source, as exported. */
export const TRAIN_PY: string = trainPy;

/**
 * The files a training project adds to the dataset export (which brings the PNGs, index.csv and stats.json):
 * train.py, config.json, requirements.txt and README.md.
 */
export function projectFiles(cfg: TrainConfig, data: ProjectDataset, imageCount: number): ProjectFile[] {
  const config = projectConfig(cfg, data);
  return [
    { path: 'train.py', bytes: strToU8(TRAIN_PY) },
    { path: 'config.json', bytes: strToU8(JSON.stringify(config, null, 2)) },
    { path: 'requirements.txt', bytes: strToU8(config.data.source === 'dicom' ? DICOM_REQUIREMENTS : REQUIREMENTS) },
    { path: 'README.md', bytes: strToU8(projectReadme(config, imageCount)) },
  ];
}
