// A scan worker thread: its own parser, scanning the files it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from '../linter/analyzer';
import { FileScanner, type ScanOptions } from './scan-file';

export interface ScanRequest {
  id: number;
  path: string;
}

async function main(): Promise<void> {
  const scanner = new FileScanner(await Analyzer.create({ goVersion: (workerData as ScanOptions).goVersion, keepTrees: true }), workerData as ScanOptions);
  parentPort!.on('message', ({ id, path }: ScanRequest) => {
    let result;
    try {
      result = scanner.scan(path);
    } catch (error) {
      result = { path, findings: [], error: `internal error: ${(error as Error)?.stack ?? error}` };
    }
    parentPort!.postMessage({ id, result });
  });
  parentPort!.postMessage({ ready: true });
}

void main();
