/** Entry for /implement: runs generated/implement.ts (compiled from commands/implement.md). */
import { command } from '../generated/implement.js';
import { run } from '../runtime/runner/run.js';

await run(command, process.argv);
