/**
 * `a && b`, `a || b` → `sh.and(...)`, `sh.or(...)` (chains of one operator are flattened);
 * pipelines `a | b | c` → `sh.pipe(...)`; `a |& b` adds `2>&1` to the left stage.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, shCall, type Code } from './common.js';
import { call, exprStmt } from '../ir/nodes.js';
import { stmt } from './index.js';

function flatten(b: A.BinaryCmd, op: A.BinaryCmdOp, out: A.Stmt[]): void {
  const isSame = (s: A.Stmt) =>
    s.cmd?.kind === 'BinaryCmd' && !s.negated && !s.background && s.redirs.length === 0 &&
    (s.cmd.op === op || (op === '|' && s.cmd.op === '|&') || (op === '|&' && s.cmd.op === '|'));
  if (isSame(b.x)) flatten(b.x.cmd as A.BinaryCmd, op, out);
  else out.push(b.x);
  out.push(b.y);
}

export function binaryCmd(b: A.BinaryCmd, s: A.Stmt, ctx: Context): Code {
  if (b.op === '&&' || b.op === '||') {
    const items: A.Stmt[] = [];
    flatten(b, b.op, items);
    const fns = items.map((x) => bodyFn([stmt(x, ctx)]));
    return shCall(at(s), b.op === '&&' ? 'and' : 'or', fns);
  }
  // pipeline: collect stages and which ones are followed by |&
  const stages: { st: A.Stmt; both: boolean }[] = [];
  const walk = (n: A.BinaryCmd) => {
    const left = n.x;
    if (left.cmd?.kind === 'BinaryCmd' && (left.cmd.op === '|' || left.cmd.op === '|&') && !left.negated && left.redirs.length === 0) walk(left.cmd);
    else stages.push({ st: left, both: false });
    stages[stages.length - 1]!.both = n.op === '|&';
    stages.push({ st: n.y, both: false });
  };
  walk(b);
  const fns = stages.map(({ st, both }) => {
    const body = bodyFn([stmt(st, ctx)]);
    return both ? bodyFn([exprStmt(call('sh', 'group', [body, `${ctx.use('r')}("2>&", "1")`]), 0)]) : body;
  });
  return shCall(at(s), 'pipe', fns);
}
