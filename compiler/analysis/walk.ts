/**
 * Generic traversal of cmdc's bash AST (compiler/ast.ts) for analyses (state flow, lint rules):
 * `children(node)` lists a node's direct sub-nodes in source order, `walk` visits a tree
 * depth-first with the chain of ancestors, and a few small questions every analysis asks
 * (which command a statement runs, where a position lies). Reflection over the node objects
 * keeps it exhaustive as the AST grows: any property holding a node (an object with a string
 * `kind`), an array of nodes, or a plain object of nodes (ParamExp's slice/repl/exp) is a child.
 */
import type * as A from '../ast.js';

/** Any AST node. */
export type AnyNode = A.Node;

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
}

function collect(v: unknown, out: AnyNode[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out);
  } else if (isNode(v)) {
    out.push(v);
  } else if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) collect(x, out);
  }
}

/** The direct sub-nodes of `node`, in source order. `File.comments` are left out. */
export function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  const rec = node as unknown as Record<string, unknown>;
  for (const k in rec) {
    if (k === 'pos' || k === 'end' || k === 'src' || k === 'kind' || k === 'comments') continue;
    const v = rec[k];
    if (typeof v === 'object' && v !== null) collect(v, out);
  }
  for (let i = 1; i < out.length; i++) {
    if (comparePos(out[i - 1]!.pos, out[i]!.pos) > 0) return out.sort((a, b) => comparePos(a.pos, b.pos));
  }
  return out;
}

/**
 * Visit `root` and every node below it, parents first. `visit` gets the node and its ancestors
 * (nearest last); returning false skips the node's children.
 */
export function walk(root: AnyNode, visit: (node: AnyNode, parents: readonly AnyNode[]) => boolean | void): void {
  const parents: AnyNode[] = [];
  const go = (n: AnyNode): void => {
    if (visit(n, parents) === false) return;
    parents.push(n);
    for (const c of children(n)) go(c);
    parents.pop();
  };
  go(root);
}

/** All nodes of one kind under `root` (root included), in source order. */
export function nodesOf<K extends A.NodeKind>(root: AnyNode, kind: K): Extract<AnyNode, { kind: K }>[] {
  const out: Extract<AnyNode, { kind: K }>[] = [];
  walk(root, (n) => {
    if (n.kind === kind) out.push(n as Extract<AnyNode, { kind: K }>);
  });
  return out;
}

/** -1, 0, 1 as `a` is before, at, after `b`. */
export function comparePos(a: A.Pos, b: A.Pos): number {
  return a.line - b.line || a.col - b.col;
}

/** Whether `p` lies inside `[node.pos, node.end)`. */
export function contains(node: { pos: A.Pos; end: A.Pos }, p: A.Pos): boolean {
  return comparePos(node.pos, p) <= 0 && comparePos(p, node.end) < 0;
}

/** The simple commands of a pipeline `a | b | c` (nested BinaryCmd '|' flattened), else [stmt]. */
export function pipelineStages(s: A.Stmt): A.Stmt[] {
  const c = s.cmd;
  if (c && c.kind === 'BinaryCmd' && (c.op === '|' || c.op === '|&')) return [...pipelineStages(c.x), ...pipelineStages(c.y)];
  return [s];
}

/** The nearest enclosing FuncDecl's name among `parents`, or null. */
export function enclosingFunction(parents: readonly AnyNode[]): string | null {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === 'FuncDecl') return p.name;
  }
  return null;
}

/**
 * Whether the statement whose ancestors are `parents` (ending with it) has its exit status
 * consumed: it is (part of) an `if`/`while` condition, an operand of `&&`/`||`, or negated.
 */
export function statusChecked(stmt: A.Stmt, parents: readonly AnyNode[]): boolean {
  if (stmt.negated) return true;
  let child: AnyNode = stmt;
  const start = parents[parents.length - 1] === stmt ? parents.length - 2 : parents.length - 1;
  for (let i = start; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === 'BinaryCmd' && (p.op === '&&' || p.op === '||')) {
      // `x && y`: the operator tests x's status; y's status is the list's.
      if (p.x === child) return true;
    } else if (p.kind === 'IfClause' || p.kind === 'Elif' || p.kind === 'WhileClause') {
      return p.cond.includes(child as A.Stmt);
    } else if (p.kind === 'Stmt') {
      if (p.negated) return true;
    } else if (p.kind === 'Block' || p.kind === 'Subshell') {
      // Only the last statement's status is the group's.
      if (p.stmts[p.stmts.length - 1] !== child) return false;
    } else {
      return false;
    }
    child = p;
  }
  return false;
}
