#!/usr/bin/env node
/**
 * rfai data-generator: generates and validates prompt datasets.
 *
 * From the repository root:
 *   npx nx run data-generator:generate -- --out data --train 200 --eval 50 \
 *     --languages python,cpp,rust,typescript --seed 7
 *   npx nx run data-generator:validate -- data/train.jsonl data/eval.jsonl
 * Or directly: npx tsx apps/data-generator/src/main.ts generate --help
 */
import { SingleBar, Presets } from 'cli-progress';
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
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
