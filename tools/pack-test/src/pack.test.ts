// Each publishable package, packed and installed into a fresh project outside the monorepo, loads from ESM and
// CommonJS, type-checks from TypeScript (node16 and bundler resolution) and pulls no training-only dependency.
// Slow (builds, npm pack, npm install from the registry cache): one test per package. Prints sizes and counts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAndPack, du, freshProject, installedPackages, runNode, typeCheck, type Packed } from './pack';

const TRAINING_ONLY = /^(@tensorflow\/|@rfai\/(core|models|policy-gradient-kl)$|onnxruntime)/;
let dest: string;
const dirs: string[] = [];
beforeAll(() => {
  dest = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-tarballs-'));
});
afterAll(() => {
  for (const d of [dest, ...dirs]) fs.rmSync(d, { recursive: true, force: true });
});

function install(name: string): { dir: string; packed: Packed[]; deps: string[] } {
  const packed = buildAndPack(name, dest);
  const dir = freshProject(packed.map((p) => p.file));
  dirs.push(dir);
  const deps = installedPackages(dir);
  expect(deps.filter((d) => TRAINING_ONLY.test(d))).toEqual([]);
  const report = {
    package: name,
    tarballs: packed.map((p) => ({ name: p.name, bytes: p.size, unpacked_bytes: p.unpackedSize, files: p.entryCount })),
    installed_packages: deps.length,
    node_modules_bytes: du(path.join(dir, 'node_modules')),
  };
  process.stdout.write(`pack-test ${JSON.stringify(report)}\n`);
  return { dir, packed, deps };
}

test('@rfai/teacher-clients', () => {
  const { dir } = install('@rfai/teacher-clients');
  const sample = JSON.stringify({ prompt: 'Write a Python function `add(a, b)` that returns a + b.', language: 'python', completion: 'def add(a, b):\n    """Sum."""\n    return a + b\n' });
  const sdkLoaded = `Object.keys(require.cache).filter((k) => /node_modules[\\\\/](openai|@anthropic-ai)[\\\\/]/.test(k)).length`;
  const cjs = runNode(
    dir,
    'smoke.cjs',
    `const tc = require('@rfai/teacher-clients');
const t = tc.createTeacher({ provider: 'offline' });
t.score(${sample}).then(async (s) => {
  await t.close();
  let missing = '';
  try { tc.createTeacher({ provider: 'openai', env: {} }); } catch (e) { missing = e.name; }
  console.log(JSON.stringify({ score: s.score, teacher: s.teacher, sdkFiles: ${sdkLoaded}, keyError: missing }));
});`,
  );
  const r = JSON.parse(cjs);
  expect(r).toMatchObject({ teacher: 'offline', sdkFiles: 0, keyError: 'AuthenticationError' });
  expect(r.score).toBeGreaterThan(0);
  const esm = runNode(
    dir,
    'smoke.mjs',
    `import { createTeacher, OfflineTeacher, SCORE_WEIGHTS } from '@rfai/teacher-clients';
const t = createTeacher({ provider: 'offline' });
const s = await t.score(${sample});
await t.close();
console.log(JSON.stringify({ score: s.score, offline: t instanceof OfflineTeacher, weights: SCORE_WEIGHTS.correctness }));`,
  );
  expect(JSON.parse(esm)).toEqual({ score: r.score, offline: true, weights: 0.5 });
  typeCheck(
    dir,
    `import { createTeacher, type Teacher, type TeacherScore, TeacherError } from '@rfai/teacher-clients';
const t: Teacher = createTeacher({ provider: 'offline' });
export async function grade(): Promise<number> {
  const s: TeacherScore = await t.score({ prompt: 'p', language: 'python', completion: 'c', tests: ['assert True'], entry_point: 'f' });
  return s.score;
}
export const isTeacherError = (e: unknown): boolean => e instanceof TeacherError;
`,
  );
});

test('@rfai/tb-writer', () => {
  const { dir } = install('@rfai/tb-writer');
  const script = (req: string) => `${req}
const root = require('node:path').join(require('node:os').tmpdir(), 'rfai-tb-' + process.pid + '-' + Math.random().toString(36).slice(2));
const w = new SummaryWriter(root + '/run-1');
w.scalar('train/loss', 0.5, 1);
w.close().then(async () => {
  const runs = await listRuns(root);
  require('node:fs').rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify({ runs: runs.length }));
});`;
  expect(JSON.parse(runNode(dir, 'smoke.cjs', script("const { SummaryWriter, listRuns } = require('@rfai/tb-writer');")))).toEqual({ runs: 1 });
  const esm = script("import { SummaryWriter, listRuns } from '@rfai/tb-writer'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);");
  expect(JSON.parse(runNode(dir, 'smoke.mjs', esm))).toEqual({ runs: 1 });
  typeCheck(dir, `import { SummaryWriter } from '@rfai/tb-writer';\nexport const w: SummaryWriter = new SummaryWriter('logs/x');\nw.scalar('a', 1, 0);\n`);
});

test('@rfai/checkpoint-io', () => {
  const { dir } = install('@rfai/checkpoint-io');
  const script = (req: string) => `${req}
const file = require('node:path').join(require('node:os').tmpdir(), 'rfai-st-' + process.pid + '-' + Math.random().toString(36).slice(2) + '.safetensors');
(async () => {
  await writeSafetensors(file, { w: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } });
  const f = await SafetensorsFile.open(file);
  const v = Array.from(await f.readFloat32('w'));
  await f.close();
  require('node:fs').rmSync(file);
  console.log(JSON.stringify(v));
})();`;
  expect(JSON.parse(runNode(dir, 'smoke.cjs', script("const { writeSafetensors, SafetensorsFile } = require('@rfai/checkpoint-io');")))).toEqual([1, 2, 3, 4]);
  const esm = script("import { writeSafetensors, SafetensorsFile } from '@rfai/checkpoint-io'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);");
  expect(JSON.parse(runNode(dir, 'smoke.mjs', esm))).toEqual([1, 2, 3, 4]);
  typeCheck(dir, `import { SafetensorsFile, writeSafetensors } from '@rfai/checkpoint-io';\nexport async function n(p: string): Promise<number> {\n  await writeSafetensors(p, { w: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } });\n  const f = await SafetensorsFile.open(p);\n  return (await f.readFloat32('w')).length;\n}\n`);
});
