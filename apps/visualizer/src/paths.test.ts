import { join } from 'node:path';
import { configuredDirs, resolveUserPath, userBaseDir, workspaceRoot } from './paths';

const ROOT = join(__dirname, '..', '..', '..');

test('user paths resolve against INIT_CWD, else NX_WORKSPACE_ROOT, else the current folder', () => {
  expect(userBaseDir({ INIT_CWD: '/a', NX_WORKSPACE_ROOT: '/b' })).toBe('/a');
  expect(userBaseDir({ NX_WORKSPACE_ROOT: '/b' })).toBe('/b');
  expect(userBaseDir({})).toBe(process.cwd());
  expect(resolveUserPath('logs/x', { INIT_CWD: '/a/b' })).toBe('/a/b/logs/x');
  expect(resolveUserPath('/abs/x', { INIT_CWD: '/a/b' })).toBe('/abs/x');
});

test('the workspace root is NX_WORKSPACE_ROOT, else the folder above holding nx.json', () => {
  expect(workspaceRoot({ NX_WORKSPACE_ROOT: '/w' })).toBe('/w');
  expect(workspaceRoot({})).toBe(ROOT);
});

test('defaults: config.yaml at the workspace root, its paths relative to the file', () => {
  const d = configuredDirs(undefined, {});
  expect(d.configFile).toBe(join(ROOT, 'config.yaml'));
  expect(d.logdir).toBe(join(ROOT, 'logs', 'tensorboard'));
  expect(d.checkpointsDir).toBe(join(ROOT, 'checkpoints'));
});

test('without config.yaml at the root, the schema defaults resolve against the root', () => {
  const d = configuredDirs(undefined, { NX_WORKSPACE_ROOT: '/nonexistent-root' });
  expect(d).toEqual({ configFile: null, logdir: '/nonexistent-root/logs/tensorboard', checkpointsDir: '/nonexistent-root/checkpoints' });
});
