/**
 * Test child process for the SIGKILL test: for i = base, base+1, ... appends W_<i> =
 * writerValue(i) (every 5th append is a two-key appendMany with X_<i>) in a loop, and after
 * each append has returned writes `ack <i>` synchronously to stdout. Prints `ready` first.
 *   node state-killed-writer.mjs <id> <base>
 */
import { writeSync } from 'node:fs';
import { openState } from '../../runtime/store/state.js';
import { writerValue } from './state-values.js';

const s = openState(process.argv[2]!);
const base = Number(process.argv[3] ?? 0);
writeSync(1, 'ready\n');
for (let i = base; ; i++) {
  if (i % 5 === 4) s.appendMany({ [`W_${i}`]: writerValue(i), [`X_${i}`]: String(i) });
  else s.append(`W_${i}`, writerValue(i));
  writeSync(1, `ack ${i}\n`);
}
