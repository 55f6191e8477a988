#!/usr/bin/env node
/**
 * rfai reward server: the configured teacher over HTTP for distributed RL engines (OpenRLHF, verl, TRL).
 *
 * From the repository root:
 *   npx nx run reward-server:serve                                  # config.yaml, 127.0.0.1:8765
 *   npx nx run reward-server:serve -- --config my.yaml --port 0     # prints "listening on http://127.0.0.1:PORT"
 *   RFAI_SERVER_TOKEN=$(openssl rand -hex 24) npx tsx apps/reward-server/src/main.ts --host 0.0.0.0
 * Then: curl -s localhost:8765/healthz; OpenRLHF: --remote_rm_url http://HOST:PORT/get_reward (see README.md).
 * SIGTERM or Ctrl-C stops accepting requests and finishes the ones in flight.
 */
import { finishProcess } from '@rfai/config';
import { runCli } from './cli';

const stopSignal = new Promise<string>((resolve) => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve(sig));
});

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.env.INIT_CWD && process.env.INIT_CWD.length > 0 ? process.env.INIT_CWD : process.cwd(),
  stopSignal,
}).then(
  (code) => {
    finishProcess('reward-server', code);
    // the process ends once the closed server and the teacher release their handles
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    finishProcess('reward-server', 1);
    process.exit(1);
  },
);
