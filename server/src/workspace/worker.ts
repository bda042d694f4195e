// A scan worker thread: its own parser, scanning the files it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { scanReader } from '../engine/package';
import { Analyzer } from '../linter/analyzer';
import { FileScanner, type ScanOptions } from './scan-file';

/** The files of one package (directory), scanned in order. */
export interface ScanRequest {
  id: number;
  paths: string[];
}

async function main(): Promise<void> {
  const scanner = new FileScanner(await Analyzer.create({ goVersion: (workerData as ScanOptions).goVersion, keepTrees: true, reader: scanReader() }), workerData as ScanOptions);
  parentPort!.on('message', ({ id, paths }: ScanRequest) => {
    for (const path of paths) {
      let result;
      try {
        result = scanner.scan(path);
      } catch (error) {
        result = { path, findings: [], error: `internal error: ${(error as Error)?.stack ?? error}` };
      }
      parentPort!.postMessage({ id, result });
    }
    parentPort!.postMessage({ id, done: true });
  });
  parentPort!.postMessage({ ready: true });
}

void main();
