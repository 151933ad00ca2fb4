// Import worker: decode, pipeline, resize and store, one chunk of files at a time.
import { expose } from 'comlink';
import '../src/platform/comlink-errors';
import * as importService from '../src/platform/import-service';

expose(importService);
export type ImportApi = typeof importService;
