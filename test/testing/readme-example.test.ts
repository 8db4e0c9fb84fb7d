/** The README's example block test (README.md "Testing a block" includes this file verbatim). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { testBlock } from 'cmdc/testing';
import { command as implement } from '../../generated/implement.js';

const plan = `# Plan: greeting
## Phase 1: Scaffolding
- [x] Create src/greet.sh
## Phase 2: Behaviour
- [ ] Print "hello, <name>"
- [ ] Fall back to $USER
`;

test('/implement block 1b lists the plan and records the next phase', async () => {
  const r = await testBlock(implement, '1b', {
    state: { PLAN_FILE: 'plan.md' }, // what block 1a persisted (typed: a misspelled key fails tsc)
    files: { 'plan.md': plan }, // written into a fresh temp project before the block runs
    strict: true, // an external command without a stub fails the test, naming it
  });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Open tasks: 2, done: 1; next phase: 2/);
  assert.is(r.state.CURRENT_PHASE, '2');
  assert.is(r.state.OPEN_TASKS, 2); // a number: block 1b only ever assigns it integers
  assert.equal(r.calls, []); // no external program ran: the loop is all builtins
});

test('the README shows this file verbatim', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  assert.ok(readme.includes('```ts\n' + self + '```\n'), 'README.md "Testing a block" must include test/testing/readme-example.test.ts as is');
});

test.run();
