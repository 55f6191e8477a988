// Lint rules for every project. The module-boundary rule enforces the import
// rules of docs/ARCHITECTURE.md ("Who may import whom") from the project tags in each
// project.json:
//   scope:light (random, datasets, tb-writer, checkpoint-io, config, code-exec): no tensor library; of the @rfai
//       packages only random (the seeded generator) and datasets (its language table, `@rfai/datasets/languages`);
//       datasets only random; random, tb-writer and checkpoint-io none
//   scope:grader (teacher-clients): no tensor library; of the @rfai packages only code-exec (it runs hidden tests)
//       and datasets (the language table)
//   pkg:core -> tfjs and random (it re-exports Rng); pkg:policy-gradient-kl -> core; pkg:models -> core, checkpoint-io
//   type:app -> any package, never another app
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const tensorLibs = ['@tensorflow/*'];

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'pkg:random', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'pkg:datasets', onlyDependOnLibsWithTags: ['pkg:random'] },
            { sourceTag: 'pkg:tb-writer', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'pkg:checkpoint-io', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:light', onlyDependOnLibsWithTags: ['pkg:datasets', 'pkg:random'], bannedExternalImports: tensorLibs },
            { sourceTag: 'scope:grader', onlyDependOnLibsWithTags: ['pkg:code-exec', 'pkg:datasets'], bannedExternalImports: tensorLibs },
            { sourceTag: 'pkg:core', onlyDependOnLibsWithTags: ['pkg:random'] },
            { sourceTag: 'pkg:policy-gradient-kl', onlyDependOnLibsWithTags: ['pkg:core'] },
            { sourceTag: 'pkg:models', onlyDependOnLibsWithTags: ['pkg:core', 'pkg:checkpoint-io'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:light', 'scope:grader', 'scope:tensor'] },
          ],
        },
      ],
    },
  },
  // A package's build config is not part of its code: it may use the shared preset in tools/.
  { files: ['**/tsup.config.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
