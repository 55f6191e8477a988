// Does grading overlap generation in the RFAI step? The tiny student samples 8 prompts x 8 completions of up to
// 32 tokens; a teacher on 127.0.0.1 (OpenAI-compatible fake provider) answers each request after --latency-ms
// (default 1000) with --concurrency (default 8) requests in flight.
//
// Run: `npx tsx tools/bench/rfai-step-overlap.ts [--steps=6] [--latency-ms=1000] [--concurrency=8]`. Prints one JSON
// object with, per step (seconds): generation alone, grading alone, the blocking step (generate, then grade
// everything: their sum) and the trainer's step (generateAsync hands each finished sample to the teacher while the
// rest decode, and with a remote teacher the next batch is generated while this one is graded), whose steady-state
// time should be about max(generation, grading); overlapped_steady_step_s leaves out the first batch's generation,
// which nothing can overlap. `failures` counts samples the teacher failed to grade (must be 0).
import { initBackend, Rng } from '../../packages/core/src/index';
import { ByteTokenizer, createModel, generate, generateAsync, PRESETS, type GenerationResult } from '../../packages/models/src/index';
import { createTeacher, type ScoreRequest } from '../../packages/teacher-clients/src/index';
import { FakeProvider } from '../../packages/teacher-clients/src/__fixtures__/fake-provider';
import { gradeAll, type Grade } from '../../apps/trainer/src/train/grading';
import { arg } from './models-common';

const B = 8;
const G = 8;
const NEW_TOKENS = 32;

async function main(): Promise<void> {
  const steps = Number(arg('steps') ?? 6);
  const latencyMs = Number(arg('latency-ms') ?? 1000);
  const concurrency = Number(arg('concurrency') ?? 8);
  await initBackend({ backend: 'wasm' });
  const model = createModel(PRESETS.tiny, 1);
  const tokenizer = new ByteTokenizer();
  const server = await FakeProvider.start();
  server.latencyMs = latencyMs;
  const teacher = createTeacher({ provider: 'openai-compatible', model: 'bench', baseURL: `${server.url}/v1`, concurrency, timeoutMs: 4 * latencyMs + 5000, maxRetries: 2, env: {} });
  const rng = new Rng(7);
  let batchNo = 0;
  const prompts = (): number[][] => {
    const b = batchNo++;
    return Array.from({ length: B * G }, (_, i) => Array.from({ length: 24 }, (_, j) => (Math.floor(i / G) * 37 + b * 11 + j * 7) % 256));
  };
  // An eos id the random student draws now and then, so completions end at different lengths as a trained one's do.
  const opts = { maxNewTokens: NEW_TOKENS, temperature: 1, tokenizer, eosTokenIds: [101], rng };
  // The random student's text does not parse, and the teacher's gates would grade it without a request: send a
  // distinct well-formed program per sample instead (what a trained student writes), so every sample is one request.
  let serial = 0;
  const item = (i: number, g: GenerationResult): ScoreRequest => ({
    prompt: `Write f(x) returning x plus ${i >> 3}.`,
    language: 'python',
    completion: `def f(x):\n    # sample ${serial++}, ${g.ids.length} tokens\n    return x + ${i >> 3}\n`,
  });
  const failures = (grades: Grade[]) => grades.filter((g) => g.score === null);
  let firstError = '';
  const noteErrors = (grades: Grade[]) => { for (const g of grades) if (g.error && !firstError) firstError = g.error; };

  const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await fn();
    return [v, (performance.now() - t0) / 1000];
  };
  generate(model, prompts(), { ...opts, maxNewTokens: 4 }); // warm-up

  let genAlone = 0;
  let gradeAlone = 0;
  let blocking = 0;
  let failures_ = 0;
  for (let s = 0; s < steps; s++) {
    const [gens, g] = await time(() => generate(model, prompts(), opts));
    const [grades, r] = await time(() => gradeAll(teacher, gens.map((x, i) => item(i, x))));
    failures_ += failures(grades).length;
    noteErrors(grades);
    genAlone += g;
    gradeAlone += r;
    blocking += g + r;
  }

  // The trainer's order (apps/trainer/src/train/trainer.ts): rollout() streams finished samples to the teacher; with
  // a remote teacher the next rollout runs before this one's grading is awaited.
  let firstGenerated = 0;
  const rollout = async () => {
    const parts: Array<Promise<Grade>> = [];
    await generateAsync(model, prompts(), { ...opts, onFinished: (i, x) => parts.push(gradeAll(teacher, [item(i, x)]).then(([one]) => one)) });
    if (firstGenerated === 0) firstGenerated = performance.now();
    return Promise.all(parts);
  };
  const t0 = performance.now();
  let pending = rollout();
  for (let s = 0; s < steps; s++) {
    const current = pending;
    if (s + 1 < steps) {
      // generate the next batch now (grading of `current` proceeds meanwhile)
      const next = rollout();
      pending = next;
      await next.then(() => undefined, () => undefined).catch(() => undefined);
    }
    failures_ += failures(await current).length;
  }
  await pending;
  const overlapped = (performance.now() - t0) / 1000;
  const requests = server.requests.length;
  const maxInFlight = server.maxInFlight;
  await teacher.close();
  await server.close();
  model.dispose();
  const per = (x: number) => Number((x / steps).toFixed(3));
  console.log(
    JSON.stringify({
      bench: 'rfai-step-overlap',
      prompts: B,
      samples_per_prompt: G,
      max_new_tokens: NEW_TOKENS,
      teacher_latency_ms: latencyMs,
      concurrency,
      steps,
      generation_s: per(genAlone),
      grading_s: per(gradeAlone),
      blocking_step_s: per(blocking),
      overlapped_step_s: per(overlapped),
      overlapped_steady_step_s: per(overlapped - (firstGenerated - t0) / 1000),
      max_of_the_two_s: per(Math.max(genAlone, gradeAlone)),
      failures: failures_,
      requests,
      max_in_flight: maxInFlight,
      first_error: firstError,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
