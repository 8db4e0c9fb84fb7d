/**
 * Test child process: one step of a 3-step workflow, as a command's blocks run (each step a
 * separate process). No workflow id is passed between steps unless `--workflow-id ID` is given:
 * steps 2 and 3 find their instance by discovery (prefix + owner from CMDC_OWNER).
 *   node state-step.mjs <step 1|2|3> <prefix> <instance> [--workflow-id ID]
 * Prints `id <id>` (step 1) or `read <INSTANCE value> <id>` (steps 2, 3); errors: message on
 * stderr, exit 2.
 */
import { resolveInstance } from '../../runtime/store/discover.js';
import { createState, loadState, openState } from '../../runtime/store/state.js';

const [step, prefix, instance] = process.argv.slice(2) as [string, string, string];
const at = process.argv.indexOf('--workflow-id');
const workflowId = at > 0 ? process.argv[at + 1] : undefined;
try {
  if (step === '1') {
    const s = createState(prefix, { command: '/harness', vars: { INSTANCE: instance, STEP1: 'done' } });
    process.stdout.write(`id ${s.id}\n`);
  } else {
    const ref = resolveInstance({ prefix, workflowId });
    const st = loadState(ref.path);
    process.stdout.write(`read ${st.vars.INSTANCE ?? '<unset>'} ${ref.id}\n`);
    const h = openState(ref.path);
    h.appendMany({ [`STEP${step}`]: 'done', [`STEP${step}_SAW`]: st.vars.INSTANCE ?? '' });
    h.setBlock(Number(step));
    if (step === '3') h.setStatus('done');
  }
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
