/**
 * The kit's types catch wrong uses at compile time: tsc (the TypeScript compiler API, the
 * project's tsconfig, `cmdc/testing` resolved by package self-reference) is run over small
 * in-memory test files; a correct use must type-check, and each deliberately wrong use — a key
 * the command does not persist, a value of the wrong type, in the `state` option and in the
 * result — must be rejected on its own line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** tsc's errors for in-memory files (path relative to ROOT → text): `line: TSxxxx message`. */
function typeErrors(files: Record<string, string>): Record<string, string[]> {
  const cfg = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const virtual = new Map(Object.entries(files).map(([k, v]) => [resolve(ROOT, k), v]));
  const host = ts.createCompilerHost(cfg.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = virtual.get(resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(resolve(name)) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(resolve(name)) ?? readFile(name);
  const program = ts.createProgram([...virtual.keys()], cfg.options, host);
  const out: Record<string, string[]> = {};
  for (const f of virtual.keys()) {
    const sf = program.getSourceFile(f)!;
    out[f.slice(ROOT.length + 1)] = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
      const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${line + 1}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  }
  return out;
}

const HEAD = `import { testBlock, renderPrompt } from 'cmdc/testing';
import { command as implement } from '../../generated/implement.js';
`;

test('tsc accepts a correct use and rejects each wrong one on its line', () => {
  const errors = typeErrors({
    'test/testing/virtual-right.ts': HEAD + `
const r = await testBlock(implement, '1b', { state: { PLAN_FILE: 'plan.md', COMPLETED_STATES: ['initialize'] } });
const plan: string | undefined = r.state.PLAN_FILE;
const done: string[] | undefined = r.state.COMPLETED_STATES;
const open: number | undefined = r.state.OPEN_TASKS;
await testBlock(implement, '1c', { state: { OPEN_TASKS: 3, DONE_TASKS: 0 } });
renderPrompt(implement, 1, { CURRENT_PHASE: '2', OPEN_TASKS: 1 });
export { plan, done, open };
`,
    'test/testing/virtual-wrong.ts': HEAD + `
await testBlock(implement, '1b', { state: { PLAN_FILES: 'plan.md' } });
await testBlock(implement, '1b', { state: { PLAN_FILE: 3 } });
await testBlock(implement, '1b', { state: { COMPLETED_STATES: 'initialize' } });
const r = await testBlock(implement, '1b', {});
export const a = r.state.PLAN_FILES;
export const b: number | undefined = r.state.PLAN_FILE;
renderPrompt(implement, 1, { CURRENT_FAZE: '2' });
await testBlock(implement, '1b', { stubs: { git: 42 } });
await testBlock(implement, '1c', { state: { OPEN_TASKS: '3' } });
export const c: string | undefined = r.state.DONE_TASKS;
`,
  });
  assert.equal(errors['test/testing/virtual-right.ts'], []);
  const wrong = errors['test/testing/virtual-wrong.ts']!;
  const lines = wrong.map((e) => Number(e.split(':')[0]));
  assert.equal(lines, [4, 5, 6, 8, 9, 10, 11, 12, 13], wrong.join('\n'));
  assert.match(wrong[0]!, /PLAN_FILES/);
  assert.match(wrong[1]!, /number.*not assignable to type 'string'/);
  assert.match(wrong[3]!, /PLAN_FILES/);
  assert.match(wrong[5]!, /CURRENT_FAZE/);
  // integer keys (the state-flow analysis proved every persisted value an integer) are numbers
  assert.match(wrong[7]!, /string.*not assignable to type 'number'/);
  assert.match(wrong[8]!, /number.*not assignable to type 'string'/);
});

test.run();
