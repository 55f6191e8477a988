#!/usr/bin/env node
/**
 * rfai trainer. Run from the repository root through nx:
 *
 *   npx nx run trainer:train                          # RFAI on config.yaml (offline defaults)
 *   npx nx run trainer:train -- --set training.max_steps=10 --run-name quick
 *   npx nx run trainer:validate -- --config config.yaml
 *   npx nx run trainer:eval -- --checkpoint checkpoints/checkpoint-60
 *   npx nx run trainer:grade -- --in samples.jsonl --out graded.jsonl
 *   npx nx run trainer:generate -- --model checkpoints/checkpoint-60 --prompt "def add(a, b):"
 *   npx nx run trainer:inspect -- --model DIR [--json] [--ids 1,2,3 --logits]
 *   npx nx run trainer:bench-scale -- --model qwen2.5-0.5b --lora --prompts 1 --samples 2 --new-tokens 32
 *
 * or directly, keeping the exit code (nx reports every failure as 1): npm run -s trainer -- <command> [options]
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or config, 130/143 stopped by SIGINT/SIGTERM; a failing command
 * names its code in its last stderr line (`trainer: exit code 2 (bad usage, configuration or input)`).
 */

import { finishProcess } from '@rfai/config';

type CommandFn = (argv: string[]) => Promise<number>;

const commands: Record<string, { run: () => Promise<CommandFn>; help: string }> = {
  train: { run: async () => (await import('./commands/train')).runTrain, help: 'run RFAI training (config.yaml by default)' },
  validate: { run: async () => (await import('./commands/validate')).runValidate, help: 'load and validate a config (exit 2 on problems)' },
  eval: { run: async () => (await import('./commands/eval')).runEval, help: 'run the eval pass on a checkpoint, print JSON' },
  grade: { run: async () => (await import('./commands/grade')).runGrade, help: 'grade completions in a JSONL file with the teacher (hidden tests run)' },
  generate: { run: async () => (await import('./commands/generate')).runGenerate, help: 'print a completion from a model or checkpoint folder' },
  'bench-scale': {
    run: async () => (await import('./commands/bench-scale')).runBenchScale,
    help: 'time RFAI steps at a real model shape (random weights, offline teacher), print JSON',
  },
  inspect: { run: async () => (await import('./commands/inspect')).runInspect, help: 'architecture, parameters and (--logits) full logits of a model folder' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`);
  return `Usage: rfai-trainer <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun a command with --help for its options.\n`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`Unknown command "${name}".\n${usage()}`);
    return 2;
  }
  return (await cmd.run())(rest);
}

main().then(
  (code) => finishProcess('trainer', code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    finishProcess('trainer', 1);
  },
);
