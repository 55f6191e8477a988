import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { ConfigError, type ConfigProblem } from './errors';
import { configSchema, type SchemaNode } from './schema';
import { validateCrossFields } from './cross-checks';
import type { RfaiConfig } from './types';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `key.path=value` overrides applied after the file, typed by the schema (e.g. `training.max_steps=5`). */
  overrides?: string[];
}

/** A validated configuration and where it came from. */
export interface LoadedConfig {
  /** The configuration with every default filled in. Holds no secrets: API keys stay in the environment. */
  config: RfaiConfig;
  /** Absolute path of the file it was read from, or null for defaults only. */
  file: string | null;
  /** Folder that relative paths in the config are resolved against. */
  baseDir: string;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validate = ajv.compile(configSchema);

/** The configuration with every default, as loading an empty file gives. */
export function defaultConfig(): RfaiConfig {
  const cfg: Record<string, unknown> = {};
  if (!validate(cfg)) throw new Error('internal: the schema defaults do not validate');
  return cfg as unknown as RfaiConfig;
}

/**
 * Loads, validates and fills in a config.yaml.
 *
 * @param file YAML file; null for defaults only (overrides still apply).
 * @throws ConfigError listing every problem with file, line:column, key path,
 *   expected and found (a missing file, malformed YAML, unknown keys with a
 *   did-you-mean hint, wrong types, out-of-range numbers, bad overrides,
 *   cross-field conflicts).
 */
export function loadConfig(file: string | null, options: LoadConfigOptions = {}): LoadedConfig {
  if (file === null) {
    const config = parseConfigText('', '(defaults)', options);
    return { config, file: null, baseDir: process.cwd() };
  }
  const abs = path.resolve(file);
  if (!existsSync(abs)) {
    throw new ConfigError(
      [{ file, keyPath: '', expected: 'an existing YAML file', found: 'no such file', hint: 'Pass --config with the path of a config.yaml (the repository root has one).' }],
      'Config file not found',
    );
  }
  if (statSync(abs).isDirectory()) {
    throw new ConfigError([{ file, keyPath: '', expected: 'a YAML file', found: 'a directory' }], 'Config path is a directory');
  }
  const config = parseConfigText(readFileSync(abs, 'utf8'), file, options);
  return { config, file: abs, baseDir: path.dirname(abs) };
}

/**
 * Validates YAML text as a config. `fileLabel` names the source in messages.
 * @throws ConfigError
 */
export function parseConfigText(text: string, fileLabel: string, options: LoadConfigOptions = {}): RfaiConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file: fileLabel, line: pos.line, column: pos.col, keyPath: '', expected: 'valid YAML', found: e.message.split('\n')[0] };
      }),
      'Malformed YAML',
    );
  }
  const raw = doc.contents === null ? {} : doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ file: fileLabel, line: 1, column: 1, keyPath: '', expected: 'a mapping of sections (model, teacher, training, ...)', found: describeValue(raw) }]);
  }
  const problems: ConfigProblem[] = [];
  for (const o of options.overrides ?? []) {
    const p = applyOverride(raw as Record<string, unknown>, o);
    if (p) problems.push(p);
  }
  if (problems.length > 0) throw new ConfigError(problems, 'Invalid --set override');

  const locate = (keyPath: string[], keyOf = false): { line?: number; column?: number } => {
    const node = nodeAt(doc, keyPath, keyOf);
    if (!node?.range) return {};
    const pos = lineCounter.linePos(node.range[0]);
    return { line: pos.line, column: pos.col };
  };
  const overridden = new Set((options.overrides ?? []).map((o) => o.slice(0, o.indexOf('='))));

  if (!validate(raw)) {
    for (const err of validate.errors ?? []) {
      const p = problemFromAjv(err, raw, fileLabel, locate, overridden);
      if (p && !problems.some((q) => q.keyPath === p.keyPath && q.expected === p.expected)) problems.push(p);
    }
    throw new ConfigError(problems);
  }
  const config = raw as unknown as RfaiConfig;
  const crossProblems = validateCrossFields(config).map((c) => {
    const where = overridden.has(c.keyPath) ? { file: '--set' } : { file: fileLabel, ...locate(c.keyPath.split('.')) };
    return { ...where, keyPath: c.keyPath, expected: c.expected, found: c.found, hint: c.hint };
  });
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);
  return config;
}

function nodeAt(doc: Document, keyPath: string[], keyOf: boolean): YamlNode | null {
  let node: unknown = doc.contents;
  for (let i = 0; i < keyPath.length; i++) {
    if (!isMap(node)) return null;
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === keyPath[i]);
    if (!pair) return isMap(node) ? (node as YamlNode) : null;
    if (keyOf && i === keyPath.length - 1) return pair.key as YamlNode;
    node = pair.value ?? pair.key;
  }
  return (node as YamlNode) ?? null;
}

/** The schema node at a key path, or null when the path names no key. */
export function schemaAt(keyPath: string[]): SchemaNode | null {
  let node: SchemaNode | undefined = configSchema;
  for (const key of keyPath) {
    if (!node) return null;
    if (node.properties && key in node.properties) node = node.properties[key];
    else if (node.additionalProperties && typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else return null;
  }
  return node ?? null;
}

function allKeyPaths(node: SchemaNode = configSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.push(p);
    out.push(...allKeyPaths(child, p));
  }
  return out;
}

/** A did-you-mean hint for an unknown key among its siblings, or a known key of the same name elsewhere. */
export function suggestKey(unknown: string, siblings: string[]): string | undefined {
  if (siblings.length > 0) {
    const best = closest(unknown, siblings);
    if (distance(unknown, best) <= Math.max(2, Math.floor(best.length / 3))) return `Did you mean "${best}"?`;
  }
  const elsewhere = allKeyPaths().filter((p) => p.split('.').pop() === unknown);
  if (elsewhere.length > 0) return `"${unknown}" is a key of ${elsewhere.map((p) => `"${p}"`).join(', ')}: move it there.`;
  return undefined;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `${JSON.stringify(v).slice(0, 60)} (list)`;
  if (typeof v === 'object') return 'a mapping';
  return `${JSON.stringify(v)} (${typeof v})`;
}

/** Human wording of what a schema node accepts. */
export function describeSchema(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  const types = (Array.isArray(node.type) ? node.type : [node.type ?? 'any']).map((t) =>
    t === 'integer' ? 'an integer' : t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'null' ? 'null' : `a ${t}`,
  );
  const bounds: string[] = [];
  if (node.minimum !== undefined) bounds.push(`>= ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) bounds.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) bounds.push(`<= ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) bounds.push(`< ${node.exclusiveMaximum}`);
  return types.join(' or ') + (bounds.length ? ` ${bounds.join(' and ')}` : '');
}

function valueAt(obj: unknown, keys: string[]): unknown {
  let v: unknown = obj;
  for (const k of keys) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function problemFromAjv(
  err: ErrorObject,
  raw: unknown,
  file: string,
  locate: (keyPath: string[], keyOf?: boolean) => { line?: number; column?: number },
  overridden: Set<string>,
): ConfigProblem | null {
  const keys = err.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const value = valueAt(raw, keys);
  const node = schemaAt(keys.filter((k) => !/^\d+$/.test(k))) ?? {};
  const keyPath = keys.join('.');
  const src = overridden.has(keyPath) ? { file: '--set' } : { file, ...locate(keys) };
  switch (err.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const extra = String((err.params as { additionalProperty: string }).additionalProperty);
      const parent = schemaAt(keys) ?? {};
      const siblings = Object.keys(parent.properties ?? {});
      const full = [...keys, extra].join('.');
      return {
        file: overridden.has(full) ? '--set' : file,
        ...(overridden.has(full) ? {} : locate([...keys, extra], true)),
        keyPath: full,
        expected: siblings.length ? `one of the keys ${siblings.join(', ')}` : 'no such key',
        found: `unknown key "${extra}"`,
        hint: suggestKey(extra, siblings),
      };
    }
    case 'enum': {
      const allowed = (node.enum ?? []).map(String);
      const hint = typeof value === 'string' && allowed.length ? suggestKey(value, allowed)?.replace('Did you mean', 'Did you mean the value') : undefined;
      return { ...src, keyPath, expected: describeSchema(node), found: describeValue(value), hint: hint?.startsWith('Did') ? hint : undefined };
    }
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'minItems':
    case 'pattern':
      return { ...src, keyPath, expected: describeSchema(node) + (err.keyword === 'pattern' ? ` matching ${node.pattern}` : err.keyword === 'minLength' ? ' (not empty)' : err.keyword === 'minItems' ? ` with at least ${node.minItems} item(s)` : ''), found: describeValue(value) };
    case 'required': {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      return { ...src, keyPath: [...keys, missing].join('.'), expected: 'this key to be set', found: 'nothing' };
    }
    default:
      return { ...src, keyPath, expected: err.message ?? 'a valid value', found: describeValue(value) };
  }
}

/**
 * Applies one `key.path=value` override to a raw config object, typing the
 * value by the schema: numbers, integers, booleans (true/false), null where
 * allowed, lists as JSON (`[1,2]`) or comma-separated text, strings as given.
 * Returns a problem instead of throwing.
 */
export function applyOverride(raw: Record<string, unknown>, override: string): ConfigProblem | null {
  const eq = override.indexOf('=');
  if (eq <= 0) {
    return { file: '--set', keyPath: override, expected: 'key.path=value, e.g. training.max_steps=5', found: JSON.stringify(override) };
  }
  const keyPath = override.slice(0, eq).trim();
  const text = override.slice(eq + 1);
  const keys = keyPath.split('.');
  for (let i = 0; i < keys.length; i++) {
    const parent = schemaAt(keys.slice(0, i));
    if (!parent || !schemaAt(keys.slice(0, i + 1))) {
      const siblings = Object.keys(parent?.properties ?? {});
      return { file: '--set', keyPath, expected: siblings.length ? `one of the keys ${siblings.join(', ')}` : 'a known key', found: `unknown key "${keys[i]}"`, hint: suggestKey(keys[i], siblings) };
    }
  }
  const node = schemaAt(keys)!;
  const parsed = parseTyped(text, node);
  if (parsed.error) return { file: '--set', keyPath, expected: describeSchema(node), found: JSON.stringify(text) };
  let obj: Record<string, unknown> = raw;
  for (const k of keys.slice(0, -1)) {
    if (obj[k] === undefined || obj[k] === null) obj[k] = {};
    if (typeof obj[k] !== 'object' || Array.isArray(obj[k])) {
      return { file: '--set', keyPath, expected: `${k} to be a mapping`, found: describeValue(obj[k]) };
    }
    obj = obj[k] as Record<string, unknown>;
  }
  obj[keys[keys.length - 1]] = parsed.value;
  return null;
}

function parseTyped(text: string, node: SchemaNode): { value?: unknown; error?: true } {
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const t = text.trim();
  if (types.includes('null') && (t === 'null' || t === '~' || t === '')) return { value: null };
  if (types.includes('integer') || types.includes('number')) {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) return { error: true };
    return { value: n };
  }
  if (types.includes('boolean')) {
    if (/^(true|yes|on|1)$/i.test(t)) return { value: true };
    if (/^(false|no|off|0)$/i.test(t)) return { value: false };
    // A boolean or one of some words (training.gradient_checkpointing: true, false or auto).
    if (types.includes('string') && (node.enum ?? []).includes(t)) return { value: t };
    return { error: true };
  }
  if (types.includes('array')) {
    if (t.startsWith('[')) {
      try {
        return { value: JSON.parse(t) };
      } catch {
        return { error: true };
      }
    }
    return { value: t === '' ? [] : t.split(',').map((s) => s.trim()) };
  }
  if (types.includes('object')) {
    try {
      return { value: JSON.parse(t) };
    } catch {
      return { error: true };
    }
  }
  return { value: text };
}

/**
 * Keys that may change when a run is resumed without making it a different
 * run: how long it runs and how it logs. {@link configHash} leaves them out.
 */
export const RESUME_MUTABLE_KEYS = [
  'training.max_steps',
  'training.num_epochs',
  'training.save_steps',
  'training.eval_steps',
  'training.logging_steps',
  'training.save_total_limit',
  'training.output_dir',
  'logging',
  'server',
  'hardware',
  'teacher.concurrency',
  'teacher.timeout_ms',
  'teacher.max_retries',
  'teacher.requests_per_minute',
  'teacher.tokens_per_minute',
  'teacher.cache',
  'teacher.prices',
  'data.train_file',
  'data.eval_file',
] as const;

/**
 * sha256 (hex) of the canonical JSON (sorted keys) of the parts of a config
 * that define a run. Checkpoints store it; a resume with a different hash
 * reports which keys differ ({@link diffConfigs}).
 */
export function configHash(config: RfaiConfig, exclude: readonly string[] = RESUME_MUTABLE_KEYS): string {
  return createHash('sha256').update(canonicalJson(stripKeys(config, exclude))).digest('hex');
}

/** Key paths whose values differ between two configs (ignoring `exclude`). */
export function diffConfigs(a: unknown, b: unknown, exclude: readonly string[] = RESUME_MUTABLE_KEYS): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (exclude.includes(p)) return;
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj(x) && isObj(y)) {
      const keys = new Set([...Object.keys(x as object), ...Object.keys(y as object)]);
      for (const k of [...keys].sort()) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], p ? `${p}.${k}` : k);
    } else if (canonicalJson(x) !== canonicalJson(y)) out.push(p);
  };
  walk(a, b, '');
  return out;
}

function stripKeys(config: unknown, exclude: readonly string[]): unknown {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, Record<string, unknown>>;
  for (const p of exclude) {
    const [a, b] = p.split('.');
    if (b === undefined) delete copy[a];
    else if (copy[a]) delete copy[a][b];
  }
  return copy;
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Resolves a path from the config against the config file's folder. */
export function resolveConfigPath(loaded: LoadedConfig, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(loaded.baseDir, p);
}
