// Writes packages/config/config.schema.json from the schema in @rfai/config.
// Run: npx nx run config:schema   (a test fails when the committed file is stale)
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { configSchema } from '../packages/config/src/schema';

const out = path.join(__dirname, '..', 'packages', 'config', 'config.schema.json');
writeFileSync(out, JSON.stringify(configSchema, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
