/**
 * Developer tool: run differential rows and print only the ones that differ from bash, compactly.
 *   npx tsx test/differential/show.ts [name-filter...]     (no filter: every row)
 *   CMDC_SHOW_CODE=1 also prints the generated code of each failing row;
 *   CMDC_DIFF_PROFILE=claude-code runs the rows under that profile (default script);
 *   CMDC_DIFF_EMIT=typed compiles them in the typed tier (rows with a typed statement only).
 */
import { ROWS } from './rows.js';
import { runTable, same, type Compared, type Outcome } from './harness.js';

const filters = process.argv.slice(2);
const rows = filters.length ? ROWS.filter((r) => filters.some((f) => r.name.includes(f))) : ROWS;
const profile = (process.env.CMDC_DIFF_PROFILE ?? 'script') as 'script' | 'claude-code';
const results = await runTable(rows, { profile, ...(process.env.CMDC_DIFF_EMIT === 'typed' ? { emit: 'typed' as const } : {}) });

function diff(c: Compared): string {
  const lines: string[] = [];
  const k = (key: keyof Outcome) => {
    const a = JSON.stringify(c.bash[key]);
    const b = JSON.stringify(c.ts[key]);
    if (a !== b) lines.push(`  ${key}:\n    bash: ${a}\n    cmdc: ${b}`);
  };
  k('stdout'); k('stderr'); k('status'); k('vars');
  return lines.join('\n');
}

let bad = 0;
for (const c of results) {
  if (same(c)) continue;
  bad++;
  console.log(`✘ ${c.row.name}${c.islands ? ` (${c.islands} island)` : ''}\n  ${c.row.bash.replace(/\n/g, '\n  ')}\n${diff(c)}`);
  if (process.env.CMDC_SHOW_CODE) console.log(c.code);
}
const isl = results.filter((c) => c.islands > 0).length;
console.log(`\n${results.length - bad}/${results.length} identical; ${isl} rows with islands`);
