/** `echo [-neE] args…` (bash's builtin, xpg_echo off). */
import type { Shell } from '../shell.js';

export function echoEscapes(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) { out += c; continue; }
    const d = s[++i]!;
    switch (d) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'c': return { text: out, stop: true };
      case 'e': case 'E': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '0': {
        const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))!;
        i += m[0].length;
        out += String.fromCharCode(parseInt(m[0] || '0', 8) & 0xff);
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (!m) { out += '\\x'; break; }
        i += m[0].length;
        out += String.fromCharCode(parseInt(m[0], 16));
        break;
      }
      case 'u': case 'U': {
        const m = (d === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(s.slice(i + 1));
        if (!m) { out += '\\' + d; break; }
        i += m[0].length;
        out += String.fromCodePoint(parseInt(m[0], 16));
        break;
      }
      default: out += '\\' + d;
    }
  }
  return { text: out, stop: false };
}

export function echo(sh: Shell, args: string[]): number {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!/^-[neE]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const r = echoEscapes(text);
    text = r.text;
    if (r.stop) newline = false;
  }
  if (newline) text += '\n';
  if (!sh.write(1, text)) {
    sh.error('echo: write error: Bad file descriptor');
    return 1;
  }
  return 0;
}
