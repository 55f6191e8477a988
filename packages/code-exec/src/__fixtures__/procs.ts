// Test helper: processes whose command line contains a marker (to check that nothing of a run survives it).
import * as fs from 'node:fs';

export function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ');
      // Ignore zombies: their cmdline is empty, and a zombie holds no resources but its pid.
      if (cmd.includes(marker)) found.push(`${e}: ${cmd}`);
    } catch {
      /* exited */
    }
  }
  return found;
}
