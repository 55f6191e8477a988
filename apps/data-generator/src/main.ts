#!/usr/bin/env node
/**
 * rfai data-generator: generates and validates prompt datasets.
 *
 * From the repository root:
 *   npx nx run data-generator:generate -- --out data --train 200 --eval 50 \
 *     --languages python,cpp,rust,typescript --seed 7
 *   npx nx run data-generator:validate -- data/train.jsonl data/eval.jsonl
 * Or directly, keeping the exit code (nx reports every failure as 1): npm run -s data-generator -- generate --help
 */
import { SingleBar, Presets } from 'cli-progress';
import { finishProcess } from '@rfai/config';
import { runCli } from './cli';

let bar: SingleBar | undefined;
runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  onProgress: (done, total) => {
    if (!process.stderr.isTTY) return;
    if (!bar) {
      bar = new SingleBar({ stream: process.stderr, format: 'prompts {bar} {value}/{total} | ETA {eta}s' }, Presets.shades_classic);
      bar.start(total, 0);
    }
    bar.update(done);
    if (done >= total) {
      bar.stop();
      bar = undefined;
    }
  },
}).then(
  (code) => finishProcess('data-generator', code),
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    finishProcess('data-generator', 1);
  },
);
