import { join } from 'node:path';
import { configuredDirs } from './paths';

const ROOT = join(__dirname, '..', '..', '..');

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
