// rfai visualizer: see how a training run went without starting TensorBoard.
//
//   npx nx run visualizer:summary                          # runs, metrics, terminal charts, checkpoints
//   npx nx run visualizer:summary -- --run my-run --json   # one run, as JSON
//   npx nx run visualizer:checkpoint -- checkpoints/checkpoint-60
//   npx nx run visualizer:plot -- --out plots              # SVG + PNG charts and plots/index.html
//   npx nx run visualizer:plot -- --out plots --compare run-a,run-b
//
// Defaults come from config.yaml at the workspace root (logging.tensorboard_dir, training.output_dir).
// Relative paths are relative to the folder nx was run from. Exit codes: 0 ok, 1 runtime failure
// (including unreadable files), 2 bad usage or config.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, finishProcess } from '@rfai/config';
import { VisualizerError } from './errors';
import { processIo, type Io } from './io';
import { summaryCommand } from './summary-command';
import { checkpointCommand } from './checkpoint-command';
import { plotCommand } from './plot-command';

function intInRange(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}.`);
    return n;
  };
}

function positiveNumber(name: string, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${name} must be a number in (0, ${max}], got ${JSON.stringify(v)}.`);
    return n;
  };
}

/** Builds the command-line program writing to `io`; each action reports its exit code through `done`. */
export function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('visualizer')
    .description('Summaries, checkpoint statistics and plots of rfai training runs.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  const configOpt = () => new Option('--config <file>', 'config.yaml giving the default folders').default(undefined, 'config.yaml at the workspace root');

  program
    .command('summary')
    .description('Runs found (steps, wall time, first/last/best reward, KL, loss, eval score), terminal charts, and the checkpoint table.')
    .option('--logdir <dir>', 'TensorBoard log directory; each subfolder with event files is a run (default: logging.tensorboard_dir of config.yaml, logs/tensorboard)')
    .option('--checkpoints <dir>', 'checkpoint folder holding checkpoint-<step>/ (default: training.output_dir of config.yaml, checkpoints)')
    .option('--run <names>', 'only these runs, comma-separated (default: all runs)')
    .addOption(configOpt())
    .option('--json', 'print the report as JSON instead of text', false)
    .option('--width <columns>', 'terminal chart width in columns, integer in [10, 400]', intInRange('--width', 10, 400), 60)
    .exitOverride()
    .action(async (opts) => {
      done(await summaryCommand(opts, io));
    });

  program
    .command('checkpoint')
    .description('One checkpoint: config summary, parameter count, per-tensor (or LoRA adapter) norms, optimizer step, training_stats highlights, manifest verification.')
    .argument('<dir>', 'checkpoint folder, e.g. checkpoints/checkpoint-60')
    .option('--json', 'print the statistics as JSON instead of text', false)
    .option('--top <n>', 'tensors listed in the text output, largest norm first, integer in [1, 100000] (JSON lists all)', intInRange('--top', 1, 100000), 20)
    .option('--no-verify', 'skip the sha256 check of the manifest (sizes are still checked)')
    .exitOverride()
    .action(async (dir: string, opts) => {
      done(await checkpointCommand(dir, opts, io));
    });

  program
    .command('plot')
    .description('Write PNG and SVG charts (reward ± std, KL and kl_coef, loss, eval score and pass rate per language, teacher latency and cost, optimizer) and an index.html.')
    .option('--out <dir>', 'output folder (default: plots beside the log directory, e.g. logs/plots)')
    .option('--logdir <dir>', 'TensorBoard log directory (default: logging.tensorboard_dir of config.yaml)')
    .option('--run <name>', 'the run to plot (default: the most recently written run)')
    .option('--compare <names>', 'overlay these runs, comma-separated, with a legend')
    .addOption(configOpt())
    .option('--width <px>', 'panel width in pixels, integer in [1, 4000]', intInRange('--width', 1, 4000), 640)
    .option('--height <px>', 'panel height in pixels, integer in [1, 4000]', intInRange('--height', 1, 4000), 220)
    .option('--scale <factor>', 'PNG pixel density, number in (0, 8]', positiveNumber('--scale', 8), 2)
    .option('--max-points <n>', 'most points drawn per series, integer in [0, 1000000]; longer series keep per-bucket min and max; 0 draws all', intInRange('--max-points', 0, 1_000_000), 1000)
    .option('--json', 'print what was written as JSON', false)
    .exitOverride()
    .action(async (opts) => {
      done(await plotCommand(opts, io));
    });
  return program;
}

/**
 * Runs the CLI on `args` (without the node and script paths) and returns the exit code:
 * 0 ok, 1 runtime failure, 2 bad usage or config. Errors are written to `io.err`; nothing calls process.exit.
 */
export async function runMain(args: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (err) {
    // Help and version exit 0; everything else commander rejects is bad usage.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      io.err(`visualizer: ${err.message}\n`);
      return 2;
    }
    if (err instanceof VisualizerError) {
      io.err(`visualizer: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`visualizer: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runMain(process.argv.slice(2)).then((code) => finishProcess('visualizer', code));
}
