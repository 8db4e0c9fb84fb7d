/**
 * Why a simple statement stayed in the exact tier: the first rule of compiler/typed/analyze.ts it
 * does not meet, named by the construct (`builtin read`, `${x…} operator`, `unquoted $x`,
 * `[[ ]]`, …), or the place it is in (`inside ! …`, `inside $( ) of a compound`) when the
 * statement itself has a typed form. `cmdc compile --stats` sums them per fixture set: the list
 * of constructs that always fall back, produced by the analyzer rather than by hand.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { pipelineStages } from '../analysis/walk.js';
import { simpleNode, type TypedInfo } from './analyze.js';

/** Builtins that have a typed form (their other shapes get a reason of their own below). */
const TYPED_BUILTINS = new Set(['echo', 'exit', 'export', 'source', '.', '[']);

const KEYWORDS = new Set(
  ('. : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown echo ' +
    'enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile popd printf ' +
    'pushd pwd read readarray readonly return set shift shopt source suspend test times trap true type typeset ulimit ' +
    'umask unalias unset wait').split(' '),
);

/** Why a `$( )` is not a typed substitution (what it runs). */
function subReason(p: A.CmdSubst, ctx: Context, info: TypedInfo): string {
  if (p.stmts.length !== 1) return '$( ) of several statements';
  const s = p.stmts[0]!;
  if (s.cmd?.kind === 'BinaryCmd' && s.cmd.op !== '|') return `$( ) of a ${s.cmd.op} list`;
  const stages = s.cmd?.kind === 'BinaryCmd' ? pipelineStages(s) : [s];
  for (const st of stages) {
    const r = ownReason(st, ctx, info);
    if (r) return `$( ) running: ${r}`;
    const f = simpleNode(st, false, false, ctx, info);
    if (f && f.node.k !== 'run') return `$( ) of a typed ${f.form} (only $ commands are substituted)`;
  }
  return '$( ) next to another $( ) or an operator';
}

/** The reason a word is not typed text (null when it is). */
function wordReason(w: A.Word, ctx: Context, info: TypedInfo): string | null {
  for (const p of w.parts) {
    switch (p.kind) {
      case 'Lit':
        if (/[*?[\]]/.test(p.value)) return 'glob pattern';
        if (/[{}]/.test(p.value)) return 'brace or { } text unquoted';
        if (/~/.test(p.value)) return 'tilde unquoted';
        if (/\\/.test(p.value)) return 'backslash escape unquoted';
        break;
      case 'SglQuoted':
        if (p.dollar) return "$'…' quoting";
        break;
      case 'DblQuoted':
        if (p.dollar) return '$"…" quoting';
        for (const x of p.parts) {
          if (x.kind === 'ParamExp') {
            const r = paramReason(x);
            if (r) return r;
          } else if (x.kind === 'CmdSubst') return subReason(x, ctx, info);
          else if (x.kind === 'ArithmExp') return '$(( )) arithmetic';
          else if (x.kind !== 'Lit') return `${x.kind} in "…"`;
        }
        break;
      case 'ParamExp': {
        const r = paramReason(p);
        return r ?? 'unquoted $x';
      }
      case 'CmdSubst': return subReason(p, ctx, info);
      case 'ArithmExp': return '$(( )) arithmetic';
      case 'ProcSubst': return 'process substitution';
      case 'ExtGlob': return 'extended glob';
      case 'BraceExp': return 'brace expansion';
      default: return `${(p as { kind: string }).kind} in a word`;
    }
  }
  return null;
}

function paramReason(p: A.ParamExp): string | null {
  if (p.index || p.names || p.excl) return '${a[i]}, ${!x} or ${!prefix*}';
  if (p.length || p.width || p.slice || p.repl || p.exp) return '${x…} operator (default, length, slice, pattern)';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.param)) return `$${/^[0-9]$/.test(p.param) ? 'N positional' : p.param + ' special'} parameter`;
  return null;
}

function redirReason(rs: readonly A.Redirect[], ctx: Context, info: TypedInfo): string | null {
  for (const rd of rs) {
    if (rd.op === '<<' || rd.op === '<<-' || rd.op === '<<<') return 'heredoc or here-string';
    if (!['>', '>>', '<', '>&', '&>', '&>>', '>|'].includes(rd.op)) return `redirect ${rd.op}`;
    if (rd.n !== null && !['0', '1', '2'].includes(rd.n)) return 'redirect of fd > 2 or {var}';
    const r = wordReason(rd.word, ctx, info);
    if (r) return `redirect target: ${r}`;
  }
  return null;
}

/** The statement's own reason, or null when the statement alone has a typed form. */
function ownReason(s: A.Stmt, ctx: Context, info: TypedInfo): string | null {
  const c = s.cmd;
  if (c === null) return 'redirects only';
  if (s.negated) return '! negation';
  if (s.background) return 'background &';
  switch (c.kind) {
    case 'ArithmCmd': return '(( )) arithmetic';
    case 'LetClause': return 'let';
    case 'TestClause': return '[[ ]]';
    case 'DeclClause':
      if (c.variant === 'export') return c.opts.length || c.words.length ? 'export with options' : 'export NAME=value';
      return `declaration (${c.variant})`;
    case 'CallExpr':
      break;
    default:
      return null;
  }
  if (simpleNode(s, false, true, ctx, info)) return null;
  if (c.args.length === 0) {
    if (c.assigns.some((a) => a.array || a.index)) return 'array assignment';
    if (c.assigns.some((a) => a.append)) return '+= assignment';
    for (const a of c.assigns) {
      const r = a.value && wordReason(a.value, ctx, info);
      if (r) return `assignment value: ${r}`;
    }
    if (c.assigns.length > 1) return 'several assignments reading each other';
    return s.redirs.length ? 'assignment with redirects' : 'assignment (other)';
  }
  if (c.assigns.length) return 'prefix assignment (VAR=x cmd)';
  const first = c.args[0]!;
  const name = first.parts.length === 1 && first.parts[0]!.kind === 'Lit' ? first.parts[0].value : null;
  if (name === null) return 'command name from an expansion or quoted';
  if (info.funcs.has(name)) return 'call of a function the file defines';
  if (KEYWORDS.has(name) && !TYPED_BUILTINS.has(name)) return `builtin ${name}`;
  // in a command word an unquoted expansion is split and globbed (in an assignment it is not)
  const unquoted = c.args.some((w) => w.parts.some((p) => p.kind === 'ParamExp' || p.kind === 'CmdSubst'));
  if (unquoted) return 'unquoted $x or $( ) in a command word (split + glob)';
  const r = c.args.map((w) => wordReason(w, ctx, info)).find((x) => x !== null) ?? redirReason(s.redirs, ctx, info);
  if (r) return r;
  if (name === '[' || name === 'test') return '[ ] other than -z/-n/=/!= or as a statement (set -e/ERR apply)';
  if (name === 'echo') return 'echo with options, several words or redirects';
  if (name === 'exit' || name === 'source' || name === '.') return `${name} (other shape)`;
  if (name.includes('_')) return 'name with _ (a library function, not a $ command)';
  return 'other';
}

/** Where the statement is: the innermost construct the typed walk does not enter. */
function placeReason(parents: readonly A.Node[]): string {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === 'Stmt' && i < parents.length - 1) {
      if (p.negated) return 'inside ! …';
      if (p.background) return 'inside … &';
    }
    if (p.kind === 'BinaryCmd' && p.op === '|&') return 'inside a |& pipeline';
    if (p.kind === 'ForClause' && p.select) return 'inside select';
    if (p.kind === 'CaseClause' && p.items.some((x) => x.op !== ';;')) return 'inside case with ;& or ;;&';
    if (p.kind === 'FuncDecl' && p.body.cmd?.kind !== 'Block') return 'inside a function whose body is not { }';
    if (p.kind === 'IfClause' && [p.cond, ...p.elifs.map((e) => e.cond)].some((x) => x.length > 1)) return 'inside if with a multi-statement condition';
    if (p.kind === 'CoprocClause' || p.kind === 'TimeClause') return `inside ${p.kind}`;
  }
  return 'inside a construct translated as a whole (redirected compound, island)';
}

/** Why `s` (a simple statement left exact) has no typed form; `parents` as analysis/walk gives them. */
export function fallbackReason(s: A.Stmt, parents: readonly A.Node[], ctx: Context, info: TypedInfo): string {
  const imports = ctx.imports;
  ctx.imports = new Set(imports);
  try {
    return ownReason(s, ctx, info) ?? placeReason(parents);
  } finally {
    ctx.imports = imports;
  }
}
