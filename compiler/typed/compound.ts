/**
 * The typed tier inside compound commands: `for`, `while`/`until`, `case` (`;;` items), function
 * definitions, `( )`, `{ } >redirect` and pipelines with a compound stage stay the exact tier's
 * `sh.*` call (same header words, same redirects, same runtime method), while the statements of
 * their bodies are walked and become typed where compiler/typed/analyze.ts proves it.
 *
 * Which shell a body runs on decides the scope it uses: loop, case and group bodies run on the
 * enclosing shell (the runtime calls them with `this`), so they use the enclosing `ts`/`v`/`wf`;
 * a subshell or pipeline stage runs on a fork and a function on whatever shell calls it, so those
 * bodies bind their own scope to the `sh` they are given (`Body.own`, printed as
 * `const { v, ts } = typed<State>(sh)` at the top of the closure).
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { NeedIsland, q } from '../translate/common.js';
import { redirects } from '../translate/redirect.js';
import { argWords, word } from '../translate/word/index.js';
import { arithWord } from '../translate/word/arith.js';
import type { Body, Node } from './ir.js';

/** What the block walker (./index.ts) gives this module. */
export interface Walker {
  readonly ctx: Context;
  /** A nested statement list as nodes (typed where it can be, exact otherwise). */
  stmts(list: readonly A.Stmt[]): Node[];
  /** One nested statement; `cond`: it is a condition (see analyze.ts `simpleNode`). */
  stmt(s: A.Stmt, cond: boolean): Node;
  /** Whether some statement inside `s` has a typed form. */
  deep(s: A.Stmt): boolean;
}

/** The exact tier's header code of a compound command, or null when it needs an island (then the whole statement stays exact). */
function header<T>(ctx: Context, f: () => T): T | null {
  const imports = new Set(ctx.imports);
  try {
    return f();
  } catch (e) {
    if (!(e instanceof NeedIsland)) throw e;
    ctx.imports = imports;
    return null;
  }
}

/** The stages of a pipeline, flattened as translate/binary.ts does; null with a `|&`. */
function pipeStages(b: A.BinaryCmd): A.Stmt[] | null {
  const out: A.Stmt[] = [];
  const walk = (n: A.BinaryCmd): boolean => {
    if (n.op !== '|') return false;
    const left = n.x;
    if (left.cmd?.kind === 'BinaryCmd' && (left.cmd.op === '|' || left.cmd.op === '|&') && !left.negated && left.redirs.length === 0) {
      if (!walk(left.cmd)) return false;
    } else out.push(left);
    out.push(n.y);
    return true;
  };
  return walk(b) ? out : null;
}

/** Statements directly inside a compound command (for the `deep` check). */
export function children(c: A.Command): A.Stmt[] {
  switch (c.kind) {
    case 'IfClause': return [...c.cond, ...c.then, ...c.elifs.flatMap((e) => [...e.cond, ...e.then]), ...(c.else ?? [])];
    case 'WhileClause': return [...c.cond, ...c.body];
    case 'ForClause': return c.body;
    case 'CaseClause': return c.items.flatMap((i) => i.stmts);
    case 'Block': return c.stmts;
    case 'Subshell': return c.stmts;
    case 'FuncDecl': return [c.body];
    case 'BinaryCmd': return [c.x, c.y];
    default: return [];
  }
}

/**
 * A compound statement with walked bodies, or null (no typed statement inside, or a form this
 * module does not take: `select`, `! …`, `… &`, fall-through `case`, `|&`, a function whose body
 * is not a plain `{ }`).
 */
export function compoundNode(s: A.Stmt, top: boolean, w: Walker): Node | null {
  const c = s.cmd;
  if (!c || s.negated || s.background || s.coprocess) return null;
  const ctx = w.ctx;
  const line = s.pos.line;
  const at = { line, top };
  const same = (list: readonly A.Stmt[]): Body => ({ body: w.stmts(list), own: false });
  const own = (list: readonly A.Stmt[]): Body => ({ body: w.stmts(list), own: true });
  const any = (list: readonly A.Stmt[]) => list.some((x) => w.deep(x));
  switch (c.kind) {
    case 'ForClause': {
      if (c.select || !any(c.body)) return null;
      const loop = c.loop;
      const h = header(ctx, () => {
        const rs = redirects(s.redirs, ctx);
        if (loop.kind === 'WordIter') {
          const items = loop.items === null ? 'null' : `[${loop.items.flatMap((x) => argWords(x, ctx)).join(', ')}]`;
          return { method: 'for', pre: [q(loop.name), items], rs };
        }
        const part = (e: A.ArithExpr | null) => (e ? arithWord(e, ctx) : 'null');
        return { method: 'forArith', pre: [part(loop.init), part(loop.cond), part(loop.post)], rs };
      });
      if (!h) return null;
      return { k: 'call', ...at, method: h.method, args: [...h.pre, same(c.body), ...h.rs] };
    }
    case 'WhileClause': {
      if (!any(c.cond) && !any(c.body)) return null;
      const rs = header(ctx, () => redirects(s.redirs, ctx));
      if (!rs) return null;
      const cond: Body = c.cond.length === 1 ? { body: [w.stmt(c.cond[0]!, true)], own: false } : same(c.cond);
      return { k: 'call', ...at, method: c.until ? 'until' : 'while', args: [cond, same(c.body), ...rs] };
    }
    case 'CaseClause': {
      if (s.redirs.length || c.items.some((i) => i.op !== ';;') || !c.items.some((i) => any(i.stmts))) return null;
      const head = header(ctx, () => {
        const pats = c.items.map((i) => `[${i.patterns.map((p) => word(p, ctx, 'pattern')).join(', ')}]`);
        return [word(c.word, ctx, 'str'), ...pats].join(', ');
      });
      if (head === null) return null;
      return { k: 'switch', ...at, head, items: c.items.map((i) => w.stmts(i.stmts)) };
    }
    case 'FuncDecl': {
      const b = c.body;
      if (s.redirs.length || b.cmd?.kind !== 'Block' || b.redirs.length || b.negated || b.background || !any(b.cmd.stmts)) return null;
      // the function's text, as translate/func.ts gives it (for `declare -f`, `type f`, islands)
      const printed = ctx.functionSources || /\b(declare|typeset)\s+-\w*f|\btype\b|\bexport\s+-f/.test(ctx.source);
      return { k: 'call', ...at, method: 'fn', args: [q(c.name), own(b.cmd.stmts), ...(printed ? [q(s.src)] : [])] };
    }
    case 'Subshell': {
      if (!any(c.stmts)) return null;
      const rs = header(ctx, () => redirects(s.redirs, ctx));
      if (!rs) return null;
      return { k: 'call', ...at, method: 'subshell', args: [own(c.stmts), ...rs] };
    }
    case 'Block': {
      // without redirects a `{ }` is a TS block (./index.ts); with them, `sh.group` on this shell
      if (!s.redirs.length || !any(c.stmts)) return null;
      const rs = header(ctx, () => redirects(s.redirs, ctx));
      if (!rs) return null;
      return { k: 'call', ...at, method: 'group', args: [same(c.stmts), ...rs] };
    }
    case 'BinaryCmd': {
      if (s.redirs.length) return null;
      const stages = pipeStages(c);
      if (!stages || !any(stages)) return null;
      return { k: 'call', ...at, method: 'pipe', args: stages.map((st) => ({ body: [w.stmt(st, false)], own: true })) };
    }
    default:
      return null;
  }
}
