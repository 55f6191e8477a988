// After `tsup`: the rolled-up declaration files drop the type-only import that brings
// tfjs-core's chained-method declarations (x.reshape(), x.mul(y)) into scope, so it is
// added back at the top of dist/index.d.ts and dist/index.d.mts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const line = "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';\n";
for (const file of ['index.d.ts', 'index.d.mts']) {
  const p = path.join(dist, file);
  const text = fs.readFileSync(p, 'utf8');
  if (!text.startsWith(line)) fs.writeFileSync(p, line + text);
}
