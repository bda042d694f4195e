// Scans files in a pool of worker threads (dist/worker.js), one parser each,
// so a scan uses every core and the thread that started it stays free.
// With one job the files are scanned in this thread.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Analyzer } from '../linter/analyzer';
import { FileScanner, type FileResult, type ScanOptions } from './scan-file';

export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

export interface PoolScan {
  /** Called as each file is done, in completion order. */
  onResult?: (result: FileResult) => void;
  /** Checked between files: a cancelled scan stops handing out files. */
  isCancelled?: () => boolean;
  /** With one job, scan in this thread with this analyzer rather than a new one. */
  analyzer?: Analyzer;
}

/** Scans `paths` with `jobs` workers; results come back in the order of `paths` (cancelled files are missing). */
export async function scanFiles(paths: readonly string[], options: ScanOptions, jobs: number, hooks: PoolScan = {}): Promise<FileResult[]> {
  const results = new Map<string, FileResult>();
  const done = (result: FileResult) => {
    results.set(result.path, result);
    hooks.onResult?.(result);
  };
  if (jobs <= 1 || paths.length < 2) {
    const scanner = new FileScanner(hooks.analyzer ?? (await Analyzer.create({ goVersion: options.goVersion, keepTrees: true })), options);
    for (const path of paths) {
      if (hooks.isCancelled?.()) break;
      done(scanner.scan(path));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } else {
    await runWorkers(paths, options, Math.min(jobs, paths.length), done, hooks.isCancelled);
  }
  return paths.filter((p) => results.has(p)).map((p) => results.get(p)!);
}

function runWorkers(paths: readonly string[], options: ScanOptions, count: number, done: (r: FileResult) => void, isCancelled?: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = count;
    let failed = false;
    const feed = (worker: Worker) => {
      if (failed) return;
      if (next < paths.length && !isCancelled?.()) {
        worker.postMessage({ id: next, path: paths[next] });
        next++;
        return;
      }
      void worker.terminate();
      if (--running === 0) resolve();
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(join(__dirname, 'worker.js'), { workerData: options });
      worker.on('message', (message: { ready?: boolean; result?: FileResult }) => {
        if (message.result) done(message.result);
        feed(worker);
      });
      worker.on('error', (error) => {
        failed = true;
        reject(error);
      });
    }
  });
}
