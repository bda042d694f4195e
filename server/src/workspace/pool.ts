// Scans files in a pool of worker threads (dist/worker.js), one parser each,
// so a scan uses every core and the thread that started it stays free.
// Workers get whole directories (Go packages): a package's files are parsed
// once, for their own findings and their siblings' facts, by one worker.
// With one job the files are scanned in this thread.
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { scanReader } from '../engine/package';
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
  /**
   * Told once when the worker threads cannot run (the worker script is
   * missing from a package, threads are not allowed): the rest of the scan
   * then runs in this thread, so it still completes.
   */
  onFallback?: (reason: string) => void;
  /** The worker script (tests point it elsewhere); default: worker.js beside this bundle. */
  workerScript?: string;
}

/** Scans `paths` with `jobs` workers; results come back in the order of `paths` (cancelled files are missing). */
export async function scanFiles(paths: readonly string[], options: ScanOptions, jobs: number, hooks: PoolScan = {}): Promise<FileResult[]> {
  const results = new Map<string, FileResult>();
  const done = (result: FileResult) => {
    results.set(result.path, result);
    hooks.onResult?.(result);
  };
  const inThread = async (todo: readonly string[]) => {
    const scanner = new FileScanner(hooks.analyzer ?? (await Analyzer.create({ goVersion: options.goVersion, keepTrees: true, reader: scanReader() })), options);
    for (const path of todo) {
      if (hooks.isCancelled?.()) break;
      done(scanner.scan(path));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  if (jobs <= 1 || paths.length < 2) {
    await inThread(paths);
  } else {
    try {
      await runWorkers(paths, options, jobs, hooks.workerScript ?? join(__dirname, 'worker.js'), done, hooks.isCancelled);
    } catch (error) {
      hooks.onFallback?.(String((error as Error)?.message ?? error).split('\n')[0]);
      await inThread(paths.filter((p) => !results.has(p)));
    }
  }
  return paths.filter((p) => results.has(p)).map((p) => results.get(p)!);
}

/** `paths` grouped by directory, in first-seen order of each directory; the largest groups first, so the last to finish are small. */
export function byDirectory(paths: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const dir = dirname(path);
    let group = groups.get(dir);
    if (!group) groups.set(dir, (group = []));
    group.push(path);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length);
}

function runWorkers(paths: readonly string[], options: ScanOptions, count: number, script: string, done: (r: FileResult) => void, isCancelled?: () => boolean): Promise<void> {
  const packages = byDirectory(paths);
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = Math.min(count, packages.length);
    let failed = false;
    const feed = (worker: Worker) => {
      if (failed) return;
      if (next < packages.length && !isCancelled?.()) {
        worker.postMessage({ id: next, paths: packages[next] });
        next++;
        return;
      }
      void worker.terminate();
      if (--running === 0) resolve();
    };
    const workers: Worker[] = [];
    for (let i = 0; i < running; i++) {
      const worker = new Worker(script, { workerData: options });
      workers.push(worker);
      // `ready` once started, then each file's result, then `done` after the last file of the package.
      worker.on('message', (message: { ready?: boolean; result?: FileResult; done?: boolean }) => {
        if (message.result) done(message.result);
        if (message.ready || message.done) feed(worker);
      });
      worker.on('error', (error) => {
        // One failed worker ends the pool: the files not done yet are scanned in the caller's thread.
        if (failed) return;
        failed = true;
        for (const w of workers) void w.terminate();
        reject(error);
      });
    }
  });
}
