// `visualizer checkpoint DIR`: interim until @rfai/checkpoint-io publishes its checkpoint-folder API.
import { VisualizerError } from './errors';

/** Runs the checkpoint command; returns the exit code. */
export async function checkpointCommand(dir: string, _opts: unknown): Promise<number> {
  throw new VisualizerError(`checkpoint statistics of ${dir} are not available yet: this build's @rfai/checkpoint-io has no checkpoint-folder reader.`);
}
