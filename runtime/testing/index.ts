/**
 * `cmdc/testing` (package export): unit tests for one block of a compiled command and snapshot
 * helpers for its prose steps.
 *
 *   import { testBlock, renderPrompt } from 'cmdc/testing';
 *   const r = await testBlock(implement, '1b', { state: { PLAN_FILE: 'plan.md' }, files: { 'plan.md': '…' }, stubs: { git: 'abc\n' } });
 *   // r.status, r.stdout, r.stderr, r.state (typed by the command's State), r.files, r.calls
 *   // compareBlock(before, after, block, cases): a block and its `cmdc eject`ed version on the same inputs
 */
export { testBlock, UnstubbedCommandError } from './test-block.js';
export type { TestBlockOptions, TestBlockResult } from './test-block.js';
export { renderPrompt } from './prompt.js';
export type { RenderPromptOptions } from './prompt.js';
export type { Stub, StubInput, StubOutput, Call } from './stubs.js';
export { StateTypeError } from '../lang/state-types.js';
export type { Json, StateKind } from '../lang/state-types.js';
export { compareBlock } from './compare.js';
export type { BlockComparison } from './compare.js';
