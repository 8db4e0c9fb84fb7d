/**
 * `npm run bench`: runs the benchmarks and prints their tables. Benchmarks live one per file
 * in bench/; pass names to run a subset (`npm run bench -- discovery`).
 */
import { runDiscoveryBench } from './discovery.js';
import { runPerBlockBench } from './perblock.js';
import { runTypedBench } from './typed.js';
import { runRunBench } from './run.js';

const benches: Record<string, () => unknown> = {
  discovery: () => runDiscoveryBench(),
  perblock: () => runPerBlockBench(),
  typed: () => runTypedBench(),
  run: () => runRunBench(),
};

const wanted = process.argv.slice(2);
for (const [name, fn] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  await fn();
}
