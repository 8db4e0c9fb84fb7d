/** Entry for /research: runs generated/research.ts (compiled from commands/research.md). */
import { command } from '../generated/research.js';
import { run } from '../runtime/runner/run.js';

await run(command, process.argv);
