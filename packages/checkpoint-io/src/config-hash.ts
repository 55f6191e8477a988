// Stable hash of a run configuration and a key-level diff between two configurations,
// so a resumed run can tell whether it runs with the configuration its checkpoint was made with.

import { createHash } from 'node:crypto';
import type { ConfigDifference } from './errors';
import { CheckpointError } from './errors';

function canonical(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new CheckpointError(`hashConfig: ${path || '(root)'} is ${value}, which JSON cannot hold; use a finite number or a string`, {
        key: path,
        found: value,
      });
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonical(v === undefined ? null : v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k)}`).join(',')}}`;
  }
  throw new CheckpointError(`hashConfig: ${path || '(root)'} is a ${typeof value}, which is not JSON`, { key: path, found: typeof value });
}

/**
 * Hash of a JSON-like configuration: `sha256:` + hex of its canonical JSON (object keys sorted, undefined
 * members dropped), so key order does not matter. Throws CheckpointError for NaN/Infinity, functions, bigints.
 */
export function hashConfig(config: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(config, '')).digest('hex')}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lists the dotted key paths where `stored` and `expected` differ (arrays compared whole), sorted by key. */
export function diffConfigs(stored: unknown, expected: unknown, prefix = ''): ConfigDifference[] {
  if (isPlainObject(stored) && isPlainObject(expected)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(expected)])].sort();
    return keys.flatMap((k) => diffConfigs(stored[k], expected[k], prefix ? `${prefix}.${k}` : k));
  }
  const same = (stored === undefined && expected === undefined) || (stored !== undefined && expected !== undefined && canonical(stored, prefix) === canonical(expected, prefix));
  return same ? [] : [{ key: prefix || '(root)', stored, expected }];
}
