// Child process for the crash tests: saves checkpoint 2 under ROOT and, when STAGE is given,
// writes MARKER and hangs once that save stage is reached, so the parent can SIGKILL it there.
// Run (after bundling, see crash.test.ts): node crash-child.js ROOT MODEL_FLOATS [STAGE MARKER]

import { writeFileSync } from 'node:fs';
import { saveCheckpoint, type SaveStage } from '../index';

async function main(): Promise<void> {
  const [root, floats, stage, marker] = process.argv.slice(2);
  const n = Number(floats);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = i % 1000;
  await saveCheckpoint(
    root,
    {
      step: 2,
      modelConfig: { model_type: 'qwen3', hidden_size: 8 },
      model: { 'model.embed_tokens.weight': { dtype: 'F32', shape: [n], data } },
      optimizer: { 'exp_avg.model.embed_tokens.weight': { dtype: 'F32', shape: [n], data } },
      trainerState: { epoch: 0, cursor: 2 },
    },
    {
      logger: { warn: () => undefined },
      onProgress: async (s: SaveStage) => {
        if (s !== stage) return;
        writeFileSync(marker, s);
        await new Promise(() => setInterval(() => undefined, 1000)); // hang until killed
      },
    },
  );
  writeFileSync(`${root}.done`, 'done');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
