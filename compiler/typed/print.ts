/**
 * The typed tier's printer: IR nodes (compiler/typed/ir.ts) → TS statements using the scope of
 * runtime/typed (`$`, `v`, `ts`, `wf`), with a source map: the .md line of every emitted line.
 *
 *   await ts.top(63).run($`grep -c ${'^## Phase [0-9]'} ${v.PLAN_FILE}`.quiet());
 *   await wf.top(73).append({ COMMAND_NAME: v.COMMAND_NAME, USER_ARGS: v.USER_ARGS });
 *   if (ts.top(49).is(v.USER_ARGS.value === '')) { … } else sh.ok();
 */
import { escapeText } from '../escape.js';
import { indent, q } from '../translate/common.js';
import { comment, printCode } from '../ir/print.js';
import type { Body, Cmd, Node, Piece, Redir, Test, Text, Value } from './ir.js';

/** Printed code: an expression of the statement's status, or a statement. */
type Code = { expr: string } | { stmt: string };

/** A closure `(sh) => ...` running the given statements. */
function bodyFn(codes: Code[]): string {
  if (codes.length === 1 && 'expr' in codes[0]!) return `(sh) => ${codes[0].expr}`;
  if (codes.length === 0) return 'async (sh) => sh.ok()';
  return `async (sh) => {\n${indent(codes.map(asStatement).join('\n'))}\n}`;
}

/** Names of the typed scope a printed block uses. */
export type ScopeName = '$' | 'v' | 'ts' | 'wf';

export interface Printed {
  /** TS statements. */
  text: string;
  /** The .md line of each line of `text` (0 for lines of no statement). */
  lines: number[];
}

/** Template text that the `$` tag (and bash) read as the same literal words. */
const INLINE = /^[A-Za-z0-9_\-+.,/:=@%^]+$/;

/** `s` inside a JS template literal. */
function templateText(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/`/g, '\\`')
    .replace(/\$\{/g, '\\${')
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const SCOPE: readonly ScopeName[] = ['$', 'v', 'ts', 'wf'];

/** `const { v, ts } = typed<State>(sh);` for the names a scope uses. */
export function scopeLine(used: ReadonlySet<ScopeName>): string {
  return `const { ${SCOPE.filter((n) => used.has(n)).join(', ')} } = typed<State>(sh);`;
}

class Printer {
  /** Names of the typed scope the code being printed uses (the innermost scope's). */
  used = new Set<ScopeName>();
  /** A body closure binds its own typed scope (the module needs `typed`). */
  scoped = false;

  private v(name: string): string {
    this.used.add('v');
    return `v.${name}`;
  }

  /** A word in a `$` template. */
  private word(t: Text): string {
    return t
      .map((p) => ('ref' in p ? `\${${this.v(p.ref)}}` : INLINE.test(p.lit) ? p.lit : `\${${escapeText(p.lit, 'single-quoted')}}`))
      .join('');
  }

  cmd(c: Cmd): string {
    this.used.add('$');
    return c.stages
      .map((s, i) => {
        const tpl = `$\`${s.words.map((w) => this.word(w)).join(' ')}\``;
        const mods = this.mods(s.redirs);
        return (i === 0 ? tpl : `.pipe(${tpl}`) + mods + (i === 0 ? '' : ')');
      })
      .join('');
  }

  /** Redirects as Cmd methods, in order (`.quiet()`, `.silent()`, `.with(r(...), …)`). */
  mods(rs: readonly Redir[]): string {
    let out = '';
    let pending: string[] = [];
    const flush = () => {
      if (pending.length) out += `.with(${pending.join(', ')})`;
      pending = [];
    };
    for (const r of rs) {
      if (r.k === 'r') pending.push(r.code);
      else {
        flush();
        out += r.k === 'quiet' ? '.quiet()' : '.silent()';
      }
    }
    flush();
    return out;
  }

  /** A value as a string expression (read now). */
  str(t: Text): string {
    if (t.length === 1) {
      const p = t[0]!;
      return 'ref' in p ? `${this.v(p.ref)}.value` : q(p.lit);
    }
    return `\`${t.map((p) => ('ref' in p ? `\${${this.v(p.ref)}}` : templateText(p.lit))).join('')}\``;
  }

  /** A value as text for the runtime: a literal, a Ref (read by the statement), or a template. */
  text(t: Text): string {
    if (t.length === 1 && 'ref' in t[0]!) return this.v(t[0].ref);
    return this.str(t);
  }

  /** `exit 1` → `1`; anything else as text. */
  exitCode(t: Text): string {
    const p = t[0]!;
    return t.length === 1 && 'lit' in p && /^(0|[1-9][0-9]{0,2})$/.test(p.lit) && Number(p.lit) < 256 ? p.lit : this.text(t);
  }

  piece(p: Piece): string {
    return 'ref' in p ? this.v(p.ref) : q(p.lit);
  }

  test(t: Test): string {
    switch (t.op) {
      case '-z': return `${this.str(t.x)} === ''`;
      case '-n': return `${this.str(t.x)} !== ''`;
      case '=': return `${this.str(t.x)} === ${this.str(t.y!)}`;
      case '!=': return `${this.str(t.x)} !== ${this.str(t.y!)}`;
    }
  }

  private ts(n: { line: number; top: boolean; shown?: string }): string {
    this.used.add('ts');
    return `ts.${n.top ? 'top' : 'at'}(${n.line}${n.shown !== undefined ? `, ${q(n.shown)}` : ''})`;
  }

  /** A node as Code (an expression of the statement's status, or a statement). */
  code(n: Node): Code {
    switch (n.k) {
      case 'exact':
        return printCode(n.code, n.top);
      case 'comment':
        return printCode(n.code);
      case 'run':
        return { expr: `${this.ts(n)}.run(${this.cmd(n.cmd)})` };
      case 'echo':
        return { expr: `${this.ts(n)}.echo(${this.text(n.text)}${n.fd === 2 ? ', 2' : ''})` };
      case 'append': {
        this.used.add('wf');
        const props = n.entries.map(([k, p]) => (p && 'ref' in p && p.ref === k ? `${k}: ${this.v(k)}` : `${k}: ${this.piece(p)}`));
        return { expr: `wf.${n.top ? 'top' : 'at'}(${n.line}).append({ ${props.join(', ')} })` };
      }
      case 'set': {
        const sub = (c: Cmd) => `ts.text(${this.cmd(c)})`;
        const value = (val: Value) =>
          'sub' in val ? sub(val.sub) : 'mix' in val ? `ts.word(${val.mix.map((p) => ('sub' in p ? sub(p.sub) : this.piece(p))).join(', ')})` : this.text(val.text);
        const props = n.vars.map(([k, val]) => `${k}: ${value(val)}`);
        return { expr: `${this.ts(n)}.set({ ${props.join(', ')} })` };
      }
      case 'lib':
        this.used.add('wf');
        return { expr: `${this.ts(n)}.run(wf.${n.method}(${n.args.map((a) => this.text(a)).join(', ')})${this.mods(n.redirs)})` };
      case 'exit':
        return { expr: `${this.ts(n)}.exit(${n.code === null ? '' : this.exitCode(n.code)})` };
      case 'export':
        return { expr: `${this.ts(n)}.export(${n.names.map(q).join(', ')})` };
      case 'source': {
        const rs = n.redirs.map((r) => (r.k === 'r' ? r.code : ''));
        return { expr: `${this.ts(n)}.source(${[this.text(n.file), ...rs].join(', ')})` };
      }
      case 'is':
        // a condition used as a statement: its status is `$?`
        return { expr: `Promise.resolve(${this.ts(n)}.is(${this.test(n.test)}))` };
      case 'list': {
        const fns = n.items.map((x) =>
          x.k === 'is' ? `async () => ${this.ts(x)}.is(${this.test(x.test)})` : x.k === 'block' ? bodyFn(x.body.map((y) => this.code(y))) : bodyFn([this.code(x)]),
        );
        return { expr: `${n.top ? 'sh.top' : 'sh.at'}(${n.line}).${n.op === '&&' ? 'and' : 'or'}(${fns.join(', ')})` };
      }
      case 'block': {
        // a top-level `{ }`: its first statement starts the new top-level command (`top`), as
        // in the exact tier, so a command abandoned before it does not skip it
        const i = n.top ? n.body.findIndex((x) => x.k !== 'comment') : -1;
        const body = i < 0 ? n.body : n.body.map((x, j) => (j === i && x.k !== 'comment' ? { ...x, top: true } : x));
        return { stmt: `{\n${indent(this.stmts(body))}\n}` };
      }
      case 'if': {
        const cond = (c: Node, top: boolean) => {
          if (c.k === 'is') return `${this.ts({ line: c.line, top })}.is(${this.test(c.test)})`;
          const inner = this.code(c);
          return `await ${top ? 'sh.top' : 'sh.at'}(${c.k === 'comment' ? 0 : c.line}).cond(${bodyFn([inner])})`;
        };
        let out = '';
        n.branches.forEach((b, i) => {
          out += `${i === 0 ? 'if' : ' else if'} (${cond(b.cond, i === 0 && n.top)}) {\n${indent(this.stmts(b.body))}\n}`;
        });
        out += n.else ? ` else {\n${indent(this.stmts(n.else))}\n}` : ' else sh.ok();';
        return { stmt: out };
      }
      case 'call': {
        const args = n.args.map((a) => (typeof a === 'string' ? a : this.closure(a)));
        return { expr: `${n.top ? 'sh.top' : 'sh.at'}(${n.line}).${n.method}(${args.join(', ')})` };
      }
      case 'switch': {
        const cases = n.items.map((body, i) => {
          const text = this.stmts(body);
          return `case ${i}:\n${indent(text ? text + '\nbreak;' : 'break;')}`;
        });
        return { stmt: `switch (await ${n.top ? 'sh.top' : 'sh.at'}(${n.line}).case(${n.head})) {\n${indent(cases.join('\n'))}\n}` };
      }
    }
  }

  /** A body closure: on the enclosing shell, or (`own`) with its own typed scope on the shell it is given. */
  closure(b: Body): string {
    const only = b.body.length === 1 ? b.body[0]! : null;
    if (!b.own && only?.k === 'is') return `async () => ${this.ts(only)}.is(${this.test(only.test)})`;
    if (!b.own) return bodyFn(b.body.map((x) => this.code(x)));
    const outer = this.used;
    this.used = new Set();
    const codes = b.body.map((x) => this.code(x));
    const used = this.used;
    this.used = outer;
    if (!used.size) return bodyFn(codes);
    this.scoped = true;
    return `async (sh) => {\n${indent([scopeLine(used), ...codes.map(asStatement)].join('\n'))}\n}`;
  }

  stmts(ns: readonly Node[]): string {
    const out: string[] = [];
    for (const n of ns) {
      // a trailing comment stays on the line of the statement it follows
      if (n.k === 'comment' && n.code.k === 'comment' && n.code.trailing && out.length) out[out.length - 1] += ` ${comment(n.code.text)}`;
      else out.push(asStatement(this.code(n)));
    }
    return out.join('\n');
  }
}

function asStatement(c: Code): string {
  return 'expr' in c ? `await ${c.expr};` : c.stmt;
}

/** Print a block's nodes; `used` tells which names of the typed scope it needs. */
export function printNodes(nodes: readonly Node[]): Printed & { used: Set<ScopeName>; scoped: boolean } {
  const p = new Printer();
  const text: string[] = [];
  const lines: number[] = [];
  for (const n of nodes) {
    // a trailing comment stays on the line of the statement it follows
    if (n.k === 'comment' && n.code.k === 'comment' && n.code.trailing && text.length) {
      text[text.length - 1] += ` ${comment(n.code.text)}`;
      continue;
    }
    const s = asStatement(p.code(n));
    const line = 'line' in n ? n.line : 0;
    for (const l of s.split('\n')) {
      text.push(l);
      lines.push(line);
    }
  }
  return { text: text.join('\n'), lines, used: p.used, scoped: p.scoped };
}
