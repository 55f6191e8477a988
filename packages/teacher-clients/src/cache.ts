// A persistent cache of teacher replies: an append-only JSONL file with an in-memory index.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TeacherLogger } from './options';

/** What identifies a cached reply. API keys are never part of it. */
export interface CacheKeyParts {
  /** 'score', 'generate' or 'compare'. */
  kind: string;
  provider: string;
  model: string;
  rubricVersion: string;
  prompt: string;
  language: string;
  /** The completion (score), or both answers (compare); empty for generate. */
  completion: string;
  reference?: string;
}

/** sha256 (hex) over the key parts, in a fixed order with unambiguous separators (JSON). */
export function cacheKey(p: CacheKeyParts): string {
  const fields = [p.kind, p.provider, p.model, p.rubricVersion, p.prompt, p.language, p.completion, p.reference ?? null];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * The cache file: one JSON object per line, `{"k": key, "v": value, "t": unix ms}`. Later lines win. A torn last line
 * (a crash while writing) or a corrupt line is skipped with a warning naming the line; the file is never rewritten.
 */
export class ReplyCache {
  private readonly index = new Map<string, unknown>();
  private fd: number | undefined;

  private constructor(readonly file: string) {}

  /** Opens (creating folders and the file when missing) and loads the index. */
  static open(file: string, logger: TeacherLogger = {}): ReplyCache {
    const cache = new ReplyCache(file);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.trim() === '') continue;
        try {
          const rec = JSON.parse(line) as { k?: unknown; v?: unknown };
          if (typeof rec.k !== 'string' || rec.v === undefined) throw new Error('expected {"k": string, "v": value}');
          cache.index.set(rec.k, rec.v);
        } catch (e) {
          logger.warn?.(`teacher cache ${file}:${i + 1}: skipping an unreadable line (${(e as Error).message})`, { file, line: i + 1 });
        }
      }
      // make sure the next append starts on a fresh line after a torn write
      if (text.length > 0 && !text.endsWith('\n')) fs.appendFileSync(file, '\n');
    }
    cache.fd = fs.openSync(file, 'a');
    return cache;
  }

  /** Number of cached replies. */
  get size(): number {
    return this.index.size;
  }

  get<T>(key: string): T | undefined {
    return this.index.get(key) as T | undefined;
  }

  /** Stores a value in memory and appends it to the file (synchronously: a finished grade is on disk before it is returned). */
  set(key: string, value: unknown): void {
    if (this.fd === undefined) throw new Error(`teacher cache ${this.file} is closed`);
    this.index.set(key, value);
    fs.writeSync(this.fd, JSON.stringify({ k: key, v: value, t: Date.now() }) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
