/**
 * `--block KEY` (runtime/runner/select-block.ts): a table of heading layouts and keys, each
 * with the block it must pick (its 1-based ordinal) or the refusal it must print. The rule:
 * `#N` is always the N-th block; `N` is the N-th block unless another block is labelled N
 * (then refused, naming both); `block N` / `1a` / the function name / the heading are labels.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BashStep, CommandModule, Step } from '../../runtime/command.js';
import { selectBlock } from '../../runtime/runner/select-block.js';
import { helpText } from '../../runtime/runner/run.js';

function command(headings: string[]): CommandModule<unknown> {
  const steps: Step[] = [];
  headings.forEach((heading, i) => {
    const name = `block${i + 1}`;
    const step: BashStep = { kind: 'bash', name, heading, line: 10 * (i + 1), endLine: 10 * (i + 1) + 3, run: async () => {} };
    steps.push(step);
    // an agent step between blocks, so step indexes and ordinals differ
    steps.push({ kind: 'agent', line: 10 * (i + 1) + 5, endLine: 10 * (i + 1) + 6, text: 'Do it.' });
  });
  return { name: 'demo', source: 'demo.md', frontmatter: {}, steps };
}

/** The ordinal (1-based among bash blocks) selectBlock picked, or the error text. */
function pick(headings: string[], key: string): number | string {
  const c = command(headings);
  const r = selectBlock(c, key);
  if ('error' in r) return r.error;
  return c.steps.slice(0, r.index + 1).filter((s) => s.kind === 'bash').length;
}

// [headings, key, expected ordinal | RegExp the refusal must match]
const ROWS: [string[], string, number | RegExp][] = [
  // numbers that agree with the labels: plain
  [['Block 1: Setup', 'Block 2: Plan', 'Block 3: Done'], '1', 1],
  [['Block 1: Setup', 'Block 2: Plan', 'Block 3: Done'], '3', 3],
  [['Setup', 'Plan'], '2', 2],
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 1c: Verify'], '2', 2],
  // the case: "Block 1" is the second block
  [['Block 0: Preflight', 'Block 1: Setup', 'Block 2: Plan'], '1', /--block 1 is ambiguous: the 1st block is block #1 \("Block 0: Preflight"\) at demo\.md:10, but block #2 \("Block 1: Setup"\) at demo\.md:20 is labelled 1; use --block '#1' for the 1st block or --block 'block 1' for the one labelled 1/],
  [['Block 0: Preflight', 'Block 1: Setup', 'Block 2: Plan'], '#1', 1],
  [['Block 0: Preflight', 'Block 1: Setup', 'Block 2: Plan'], 'block 1', 2],
  [['Block 0: Preflight', 'Block 1: Setup', 'Block 2: Plan'], 'Block 1', 2],
  [['Block 0: Preflight', 'Block 1: Setup', 'Block 2: Plan'], '0', 1],
  // labels 1a/1b/2: "2" is the 2nd block (1b) and the label of the 3rd
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 2: Verify'], '2', /ambiguous: the 2nd block is block #2 \("Block 1b: Inventory"\).*block #3 \("Block 2: Verify"\).* is labelled 2/],
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 2: Verify'], '#2', 2],
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 2: Verify'], 'block 2', 3],
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 2: Verify'], '1b', 2],
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 2: Verify'], '1', 1],
  [['Block 1a: Setup', 'Block 1b: Inventory', 'Block 2: Verify'], 'BLOCK 1A', 1],
  // a label beyond the block count: only one reading
  [['Block 5: Only', 'Block 6: Next'], '5', 1],
  [['Block 5: Only', 'Block 6: Next'], '2', 2],
  // names and headings
  [['Block 1a: Setup', 'Block 2: Verify'], 'block2', 2],
  [['Block 1a: Setup', 'Block 2: Verify'], 'block 2: verify', 2],
  // nothing there
  [['Setup', 'Plan'], '3', /^no block '3'/],
  [['Setup', 'Plan'], '#3', /^no block '#3': the file has 2 blocks/],
  [['Setup', 'Plan'], '#0', /^no block '#0'/],
  [['Setup', 'Plan'], '1z', /^no block '1z'/],
  // two blocks with one label
  [['Block 2: A', 'Block 2: B'], 'block 2', /carry the same label; use --block '#N'/],
  [['Block 2: A', 'Block 2: B'], '#2', 2],
];

test('--block: ordinal, label, refusal', () => {
  for (const [headings, key, want] of ROWS) {
    const got = pick(headings, key);
    const what = `${JSON.stringify(headings)} --block ${key}`;
    if (typeof want === 'number') assert.is(got, want, `${what}: ${got}`);
    else {
      assert.type(got, 'string', `${what}: expected a refusal, picked block ${got}`);
      assert.match(got as string, want, what);
    }
  }
});

test('an ordinal word for any number (the refusal names "the 11th", "the 22nd" block)', () => {
  const headings = Array.from({ length: 23 }, (_, i) => `Step ${i}`);
  headings[21] = 'Block 11: Late';
  headings[10] = 'Block 9: Mid';
  assert.match(String(pick(headings, '11')), /the 11th block/);
  headings[21] = 'Block 22: X';
  headings[1] = 'Block 22: Y';
  assert.match(String(pick(headings, '22')), /the 22nd block is block #22/);
});

test('--help marks a ```ts cmdc block as a TypeScript step, bash blocks unmarked; the texts say "block", not "bash block"', () => {
  const c = command(['Block 1: Setup', 'Block 2: Typed', 'Block 3: Done']);
  const ts = c.steps.filter((s) => s.kind === 'bash')[1] as BashStep;
  ts.lang = 'ts';
  const help = helpText(c, '/');
  assert.match(help, /^ {3}1\. Block 1: Setup {2}\(block1, line 10-13\)$/m);
  assert.match(help, /^ {3}2\. Block 2: Typed {2}\(block2, TypeScript, line 20-23\)$/m);
  assert.match(help, /^ {3}3\. Block 3: Done {2}\(block3, line 30-33\)$/m);
  assert.match(help, /--block N {10}run one block:/);
  assert.not.match(help, /bash block/);
  assert.not.match(String(pick(['Setup', 'Plan'], '#3')), /bash/);
});

test.run();
