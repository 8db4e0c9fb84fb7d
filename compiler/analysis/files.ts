/**
 * File operations of a command's blocks: which paths each statement writes (`>`, `>>`, `tee`,
 * `cp`/`mv` targets, `touch`, `sed -i`), reads (`<`, `$(< f)`, `cat`, `source`, `grep`, `jq`…),
 * tests (`[ -f f ]`), and removes (`rm`, `mv` sources), each with the abstract value of its
 * path (analysis/values.ts). Lint rules about shared files and state files build on this list.
 */
import type * as A from '../ast.js';
import type { CommandSource } from './blocks.js';
import { evalWord, type Env, type Seg } from './values.js';
import { walk } from './walk.js';
import { commandName, literalValue, operands } from './words.js';

export type FileOpKind = 'write' | 'append' | 'read' | 'test' | 'remove';

export interface FileOp {
  kind: FileOpKind;
  /** The word naming the path. */
  word: A.Word;
  segs: Seg[];
  /** 0-based bash block index. */
  block: number;
  stmt: A.Stmt;
  /** The command (`rm`, `cat`…), or the redirect operator (`>`, `>>`, `<`). */
  via: string;
}

const READERS = new Set([
  'cat', 'head', 'tail', 'source', '.', 'grep', 'egrep', 'fgrep', 'rg', 'jq', 'wc', 'sort', 'uniq', 'diff', 'cmp',
  'awk', 'less', 'more', 'stat', 'readlink', 'realpath', 'cut', 'base64', 'md5sum', 'sha256sum', 'sha1sum', 'file', 'yq',
]);
const FILE_TESTS = new Set(['-e', '-f', '-s', '-r', '-w', '-x', '-d', '-L', '-h', '-O', '-G', '-N', '-p', '-S', '-b', '-c']);
const DEVICES = /^\/dev\/(null|stdout|stderr|stdin|tty|fd\/\d+)$/;

/** Every file operation in every parsed block, in block and source order. */
export function fileOps(cmd: CommandSource, env: Env): FileOp[] {
  const out: FileOp[] = [];
  for (const b of cmd.blocks) {
    if (!b.ast) continue;
    const add = (kind: FileOpKind, word: A.Word, stmt: A.Stmt, via: string) => {
      const lit = literalValue(word);
      if (lit !== null && (DEVICES.test(lit) || lit === '-' || lit === '')) return;
      out.push({ kind, word, segs: evalWord(word, b.index, env), block: b.index, stmt, via });
    };
    walk(b.ast, (n, parents) => {
      if (n.kind === 'Stmt') {
        for (const r of n.redirs) redirectOp(r, n, add);
        return;
      }
      const stmt = [...parents].reverse().find((p): p is A.Stmt => p.kind === 'Stmt');
      if (!stmt) return;
      if (n.kind === 'CallExpr') callOps(n, stmt, add);
      else if (n.kind === 'UnaryTest' && FILE_TESTS.has(n.op) && n.x.kind === 'Word') add('test', n.x, stmt, `[[ ${n.op} ]]`);
    });
  }
  return out;
}

function redirectOp(r: A.Redirect, stmt: A.Stmt, add: (k: FileOpKind, w: A.Word, s: A.Stmt, via: string) => void): void {
  switch (r.op) {
    case '>':
    case '>|':
    case '&>':
      add('write', r.word, stmt, r.op);
      return;
    case '>>':
    case '&>>':
      add('append', r.word, stmt, r.op);
      return;
    case '<':
      add('read', r.word, stmt, r.op);
      return;
    case '<>':
      add('write', r.word, stmt, r.op);
      return;
    default:
      return;
  }
}

function callOps(c: A.CallExpr, stmt: A.Stmt, add: (k: FileOpKind, w: A.Word, s: A.Stmt, via: string) => void): void {
  const name = commandName(c);
  if (!name) return;
  const ops = operands(c);
  switch (name) {
    case 'rm':
    case 'unlink':
      for (const w of ops) add('remove', w, stmt, name);
      return;
    case 'mv': {
      const last = ops[ops.length - 1];
      for (const w of ops.slice(0, -1)) add('remove', w, stmt, name);
      if (last && ops.length > 1) add('write', last, stmt, name);
      return;
    }
    case 'cp':
    case 'install':
    case 'ln': {
      const last = ops[ops.length - 1];
      for (const w of ops.slice(0, -1)) add('read', w, stmt, name);
      if (last && ops.length > 1) add('write', last, stmt, name);
      return;
    }
    case 'tee': {
      const append = c.args.slice(1).some((w) => /^-\w*a/.test(literalValue(w) ?? '') || literalValue(w) === '--append');
      for (const w of ops) add(append ? 'append' : 'write', w, stmt, name);
      return;
    }
    case 'touch':
      for (const w of ops) add('write', w, stmt, name);
      return;
    case 'sed': {
      const inPlace = c.args.slice(1).some((w) => /^-\w*i/.test(literalValue(w) ?? '') || /^--in-place/.test(literalValue(w) ?? ''));
      const files = ops.slice(c.args.slice(1).some((w) => /^-\w*[ef]$/.test(literalValue(w) ?? '')) ? 0 : 1);
      for (const w of files) add(inPlace ? 'write' : 'read', w, stmt, name);
      return;
    }
    case 'test':
    case '[': {
      const args = c.args.slice(1);
      for (let i = 0; i + 1 < args.length; i++) {
        const op = literalValue(args[i]!);
        if (op && FILE_TESTS.has(op)) add('test', args[i + 1]!, stmt, `[ ${op} ]`);
      }
      return;
    }
    default:
      if (READERS.has(name)) {
        // grep/rg/jq/awk/sed: the first operand is the pattern/program, not a file.
        const skip = ['grep', 'egrep', 'fgrep', 'rg', 'jq', 'awk', 'yq'].includes(name) ? 1 : 0;
        for (const w of ops.slice(skip)) add('read', w, stmt, name);
      }
  }
}
