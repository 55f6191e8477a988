// Two caches: compiled artifacts on disk (keyed by sha256 of language, toolchain version, flags and the full
// program source) and finished results in memory (keyed by sha256 of language, toolchain, code, tests, limits),
// with identical in-flight requests joined.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** sha256 hex of the JSON of `parts`. */
export function hashKey(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Compiled artifacts: `<dir>/<key[0..2]>/<key>` (one file each). */
export class ArtifactCache {
  constructor(readonly dir: string) {}

  pathFor(key: string): string {
    return path.join(this.dir, key.slice(0, 2), key);
  }

  has(key: string): boolean {
    return fs.existsSync(this.pathFor(key));
  }

  /** Copies a freshly built artifact in (write to a temp name, then rename: readers never see half a file). */
  put(key: string, file: string): void {
    const dest = this.pathFor(key);
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
    const tmp = `${dest}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.copyFileSync(file, tmp);
    fs.chmodSync(tmp, 0o500);
    fs.renameSync(tmp, dest);
  }

  /** Copies the artifact into a run directory (a copy, so a run cannot alter the cached file). */
  copyTo(key: string, dest: string): void {
    fs.copyFileSync(this.pathFor(key), dest);
    fs.chmodSync(dest, 0o700);
  }
}

/** A small LRU map. */
export class LruMap<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}
