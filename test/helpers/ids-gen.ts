/** Test child process: prints `count` fresh workflow ids, one a line.  node ids-gen.mjs <prefix> <count> */
import { newWorkflowId } from '../../runtime/store/ids.js';

const [prefix, count] = process.argv.slice(2) as [string, string];
const out: string[] = [];
for (let i = 0; i < Number(count); i++) out.push(newWorkflowId(prefix));
process.stdout.write(out.join('\n') + '\n');
