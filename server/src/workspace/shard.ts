// Splits the files of a scan into N shards by package (directory), for a CI
// matrix: each job lints one shard, and together they lint every file once.
// A directory's shard comes from a hash of its path relative to the working
// directory, so it is the same on every machine and does not move when other
// packages are added or removed.
import { dirname, relative, sep } from 'node:path';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function inShard(files: readonly string[], shard: Shard, cwd: string = process.cwd()): string[] {
  const shardOf = new Map<string, number>();
  return files.filter((file) => {
    const dir = dirname(file);
    let n = shardOf.get(dir);
    if (n === undefined) shardOf.set(dir, (n = fnv1a(relative(cwd, dir).split(sep).join('/')) % shard.count));
    return n === shard.index - 1;
  });
}

/** 32-bit FNV-1a of a string's UTF-16 code units: small, fast and the same everywhere. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
