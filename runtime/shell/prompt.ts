/**
 * `${x@P}`: the value expanded as bash expands a prompt string — its backslash escapes (`\u`,
 * `\w`, `\$`, `\D{fmt}`, `\nnn` …) decoded, then parameter and arithmetic expansion (promptvars)
 * of `$name`, `${name}`, `${name-word}`, `${name:-word}`, `${#name}`, `${name[i]}` and `$(( … ))`. A `$( … )` in a prompt stays as
 * written (command substitution would need the compiler at run time).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { strftime } from './strftime.js';
import { evalArith } from './arith.js';
import type { ExpandEnv } from './expand.js';
import { indexText } from './expand.js';

const VERSION = '5.2';
const RELEASE = '5.2.15';

function user(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '');
  }
}

/** The escapes of a prompt string decoded (bash's decode_prompt_string, non-interactive). */
function decode(sh: ExpandEnv, s: string): string {
  const now = Math.floor(Date.now() / 1000);
  const tz = sh.getVar('TZ');
  const home = sh.getVar('HOME');
  const pwd = sh.getVar('PWD') ?? sh.cwd;
  const tilde = (p: string) => (home && (p === home || p.startsWith(home + '/')) ? '~' + p.slice(home.length) : p);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++i]!;
    const oct = /^[0-7]{3}/.exec(s.slice(i));
    if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8) & 0xff);
      i += 2;
      continue;
    }
    switch (e) {
      case 'a': out += '\x07'; break;
      case 'e': out += '\x1b'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'd': out += strftime('%a %b %d', now, tz); break;
      case 't': out += strftime('%H:%M:%S', now, tz); break;
      case 'T': out += strftime('%I:%M:%S', now, tz); break;
      case '@': out += strftime('%I:%M %p', now, tz); break;
      case 'A': out += strftime('%H:%M', now, tz); break;
      case 'D': {
        const m = /^D\{([^}]*)\}/.exec(s.slice(i));
        if (!m) { out += '\\D'; break; }
        out += strftime(m[1] || '%X', now, tz);
        i += m[0].length - 1;
        break;
      }
      case 'h': out += os.hostname().split('.')[0]; break;
      case 'H': out += os.hostname(); break;
      case 'j': out += '0'; break;
      case 'l': out += 'tty'; break;
      case 's': out += path.basename(sh.scriptName); break;
      case 'u': out += user(); break;
      case 'v': out += VERSION; break;
      case 'V': out += RELEASE; break;
      case 'w': out += tilde(pwd); break;
      case 'W': out += home && pwd === home ? '~' : pwd === '/' ? '/' : path.basename(pwd); break;
      case '!': out += '1'; break;
      case '#': out += '0'; break;
      case '$': out += process.getuid?.() === 0 ? '#' : '$'; break;
      case '\\': out += '\\'; break;
      case '[': case ']': break;
      default: out += '\\' + e;
    }
  }
  return out;
}

/** `$(( … ))` in decoded prompt text, evaluated (the rest of its `$` forms via indexText). */
function expandArith(sh: ExpandEnv, s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith('$((', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      const inner = s.slice(i + 3, j - 1);
      if (j < s.length && s[j - 1] === ')') {
        out += String(evalArith(sh, indexText(sh, inner)));
        i = j;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/** `${name-word}` / `${name:-word}`: the value, or the word when it is unset (or empty, with `:`). */
function expandDefaults(sh: ExpandEnv, s: string): string {
  if (!s.includes('-')) return s;
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)-([^}]*)\}/g, (_m, name: string, colon: string, word: string) => {
    const v = sh.getVar(name);
    return v === undefined || (colon === ':' && v === '') ? word : v;
  });
}

export function promptExpand(sh: ExpandEnv, s: string): string {
  return indexText(sh, expandArith(sh, expandDefaults(sh, decode(sh, s))));
}
