import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath, resolveUserPath, userCwd, workspaceRoot } from './paths';

const ROOT = join(__dirname, '..', '..', '..');

test('user paths resolve against INIT_CWD, else NX_WORKSPACE_ROOT, else the current folder', () => {
  expect(userCwd({ INIT_CWD: '/a', NX_WORKSPACE_ROOT: '/b' })).toBe('/a');
  expect(userCwd({ NX_WORKSPACE_ROOT: '/b' })).toBe('/b');
  expect(userCwd({})).toBe(process.cwd());
  expect(resolveUserPath('logs/x', { INIT_CWD: '/a/b' })).toBe('/a/b/logs/x');
  expect(resolveUserPath('../x', { INIT_CWD: '/a/b' })).toBe('/a/x');
  expect(resolveUserPath('/abs/x', { INIT_CWD: '/a/b' })).toBe('/abs/x');
  expect(resolveUserPath('x', {})).toBe(join(process.cwd(), 'x'));
});

test('the workspace root is NX_WORKSPACE_ROOT, else the folder above holding nx.json', () => {
  expect(workspaceRoot({ NX_WORKSPACE_ROOT: '/w' })).toBe('/w');
  expect(workspaceRoot({})).toBe(ROOT);
});

test('the default config: --config as a user path, else config.yaml in the user folder, else the workspace one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rfai-paths-'));
  expect(defaultConfigPath('my.yaml', { INIT_CWD: dir })).toBe(join(dir, 'my.yaml'));
  expect(defaultConfigPath(undefined, { INIT_CWD: dir })).toBe(join(ROOT, 'config.yaml'));
  writeFileSync(join(dir, 'config.yaml'), '{}\n');
  expect(defaultConfigPath(undefined, { INIT_CWD: dir })).toBe(join(dir, 'config.yaml'));
});
