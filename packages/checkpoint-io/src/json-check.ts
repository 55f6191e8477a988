// JSON files of a checkpoint must hold exactly what was given: values JSON cannot represent
// (NaN, Infinity, bigint, functions, symbols) are reported with their key path instead of being
// turned into null by JSON.stringify.

/**
 * Dotted path of the first value JSON cannot represent exactly, with a description; undefined when all is JSON.
 * `allowNonFinite` accepts NaN and ±Infinity (for callers that encode them).
 */
export function findNonJson(value: unknown, path = '', allowNonFinite = false): { path: string; found: string } | undefined {
  const here = path || '(root)';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) || allowNonFinite ? undefined : { path: here, found: String(value) };
    case 'bigint':
      return { path: here, found: `bigint ${value}n` };
    case 'function':
    case 'symbol':
      return { path: here, found: `a ${typeof value}` };
    case 'undefined':
      return undefined; // dropped from objects by JSON, as callers expect
    case 'object': {
      if (value === null) return undefined;
      if (ArrayBuffer.isView(value)) return { path: here, found: `a ${Object.prototype.toString.call(value).slice(8, -1)} (store tensors in safetensors files)` };
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const r = findNonJson(value[i], `${path}[${i}]`, allowNonFinite);
          if (r) return r;
        }
        return undefined;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined; // Date and friends
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const r = findNonJson(v, path ? `${path}.${k}` : k, allowNonFinite);
        if (r) return r;
      }
      return undefined;
    }
  }
}

/** JSON.stringify replacer writing non-finite numbers as the strings "NaN", "Infinity", "-Infinity". */
export function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
