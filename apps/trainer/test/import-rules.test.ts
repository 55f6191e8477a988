// The import rules of docs/ARCHITECTURE.md ("Who may import whom") are enforced by the
// Nx module-boundary lint rule. Each case lints a snippet as if it were a file
// of the named project (eslint --stdin, nothing written to the tree) and
// checks that the rule accepts or rejects it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
// One eslint process lints every snippet (building the project graph once).
const script = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const c of cases) {
  const [res] = await eslint.lintText(c.code, { filePath: c.file });
  out.push(res.messages.map((m) => (m.ruleId ?? '') + ': ' + m.message));
}
process.stdout.write(JSON.stringify(out));
`;

function lintAll(snippets: Array<{ file: string; code: string }>): string[][] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(snippets)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`eslint failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][];
}

describe('import rules are enforced by lint', () => {
  const languageTable = "import { LANGUAGES } from '@rfai/datasets/languages';\nexport const x = LANGUAGES;\n";
  const cases: Array<[string, string, string, boolean, RegExp?]> = [
    ['teacher-clients imports a tensor library', 'packages/teacher-clients/src/x.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n", false, /scope:grader" is not allowed to import "@tensorflow\/tfjs-core"/],
    ['teacher-clients imports core', 'packages/teacher-clients/src/x.ts', "import { tf } from '@rfai/core';\nexport const x = tf;\n", false, /scope:grader" can only depend on libs tagged with "pkg:code-exec"/],
    ['teacher-clients imports code-exec', 'packages/teacher-clients/src/x.ts', "import { createExecutor } from '@rfai/code-exec';\nexport const x = createExecutor;\n", true],
    ['datasets imports code-exec', 'packages/datasets/src/x.ts', "import { createExecutor } from '@rfai/code-exec';\nexport const x = createExecutor;\n", false],
    ['datasets imports config', 'packages/datasets/src/x.ts', "import { loadConfig } from '@rfai/config';\nexport const x = loadConfig;\n", false],
    // The language table of datasets is the one import the other light packages and teacher-clients may make.
    ...(['config', 'code-exec', 'teacher-clients', 'tb-writer', 'checkpoint-io'] as const).map(
      (p): [string, string, string, boolean] => [`${p} imports the language table`, `packages/${p}/src/x.ts`, languageTable, p !== 'tb-writer' && p !== 'checkpoint-io'],
    ),
    ['config imports code-exec', 'packages/config/src/x.ts', "import { createExecutor } from '@rfai/code-exec';\nexport const x = createExecutor;\n", false],
    ['datasets imports @rfai/core', 'packages/datasets/src/x.ts', "import { tf } from '@rfai/core';\nexport const x = tf;\n", false, /pkg:datasets" can only depend on libs tagged with "pkg:random"/],
    // @rfai/random, the one seeded generator, sits below datasets and core and imports nothing.
    ['datasets imports random', 'packages/datasets/src/x.ts', "import { Rng } from '@rfai/random';\nexport const x = Rng;\n", true],
    ['core imports random', 'packages/core/src/x.ts', "import { Rng } from '@rfai/random';\nexport const x = Rng;\n", true],
    ['random imports another light package', 'packages/random/src/x.ts', "import { writeSafetensors } from '@rfai/checkpoint-io';\nexport const x = writeSafetensors;\n", false, /pkg:random" cannot depend on any libs with tags/],
    ['random imports a tensor library', 'packages/random/src/x.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n", false, /scope:light" is not allowed to import "@tensorflow\/tfjs-core"/],
    ['checkpoint-io imports another light package', 'packages/checkpoint-io/src/x.ts', "import { loadConfig } from '@rfai/config';\nexport const x = loadConfig;\n", false],
    ['policy-gradient-kl imports models', 'packages/policy-gradient-kl/src/x.ts', "import { createModel } from '@rfai/models';\nexport const x = createModel;\n", false],
    ['an app imports another app', 'apps/trainer/src/x.ts', "import { x as y } from '../../visualizer/src/main';\nexport const x = y;\n", false],
    ['models imports core', 'packages/models/src/x.ts', "import { tf } from '@rfai/core';\nexport const x = tf;\n", true],
    ['models imports checkpoint-io', 'packages/models/src/x.ts', "import { writeSafetensors } from '@rfai/checkpoint-io';\nexport const x = writeSafetensors;\n", true],
    ['the trainer imports packages', 'apps/trainer/src/x.ts', "import { loadConfig } from '@rfai/config';\nimport { tf } from '@rfai/core';\nexport const x = [loadConfig, tf];\n", true],
  ];
  let results: string[][] = [];
  beforeAll(() => {
    results = lintAll(cases.map(([, file, code]) => ({ file: path.join(root, file), code })));
  }, 180_000);
  it.each(cases.map((c, i) => [c[0], c[3], c[4], i] as const))('%s', (_name, allowed, message, i) => {
    const messages = results[i].filter((m) => m.startsWith('@nx/enforce-module-boundaries'));
    if (allowed) {
      expect(messages).toEqual([]);
    } else {
      expect(messages.length).toBeGreaterThan(0);
      if (message) expect(messages.join('\n')).toMatch(message);
    }
  });
});
