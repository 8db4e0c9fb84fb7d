/** `getopts optstring name [args…]` with OPTIND / OPTARG as bash keeps them. */
import type { Shell } from '../shell.js';

export function getopts(sh: Shell, args: string[]): number {
  const [spec, name, ...rest] = args;
  if (spec === undefined || name === undefined) {
    sh.err('getopts: usage: getopts optstring name [arg ...]\n'); // bash's usage line has no prefix
    return 2;
  }
  const argv = rest.length ? rest : sh.positional;
  const silent = spec.startsWith(':');
  const opts = silent ? spec.slice(1) : spec;
  let optind = Number(sh.getVar('OPTIND') ?? '1') || 1;
  // the position inside a cluster (-abc) is kept while OPTIND is what getopts last set
  const st = sh.getopts;
  let pos = st.optind === optind ? st.pos : 1;
  const arg = argv[optind - 1];
  if (arg === undefined || !arg.startsWith('-') || arg === '-') {
    sh.setVar('OPTIND', String(optind)); // bash's OPTIND exists from start-up (1)
    sh.setVar(name, '?');
    return 1;
  }
  if (arg === '--') {
    sh.setVar('OPTIND', String(optind + 1));
    sh.setVar(name, '?');
    return 1;
  }
  const c = arg[pos]!;
  const advance = () => {
    pos++;
    if (pos >= arg.length) {
      optind++;
      pos = 1;
    }
  };
  const i = opts.indexOf(c);
  if (i < 0 || c === ':') {
    advance();
    sh.setVar('OPTIND', String(optind));
    st.pos = pos;
    st.optind = optind;
    if (silent) {
      sh.setVar(name, '?');
      sh.setVar('OPTARG', c);
    } else {
      if (sh.getVar('OPTERR') !== '0') sh.err(`${sh.scriptName}: illegal option -- ${c}\n`);
      sh.setVar(name, '?');
      sh.unsetVar('OPTARG');
    }
    return 0;
  }
  if (opts[i + 1] === ':') {
    let val: string | undefined;
    if (pos + 1 < arg.length) {
      val = arg.slice(pos + 1);
      optind++;
    } else {
      val = argv[optind];
      optind += val === undefined ? 1 : 2;
    }
    pos = 1;
    sh.setVar('OPTIND', String(optind));
    st.pos = pos;
    st.optind = optind;
    if (val === undefined) {
      if (silent) {
        sh.setVar(name, ':');
        sh.setVar('OPTARG', c);
      } else {
        if (sh.getVar('OPTERR') !== '0') sh.err(`${sh.scriptName}: option requires an argument -- ${c}\n`);
        sh.setVar(name, '?');
        sh.unsetVar('OPTARG');
      }
      return 0;
    }
    sh.setVar('OPTARG', val);
    sh.setVar(name, c);
    return 0;
  }
  advance();
  sh.setVar('OPTIND', String(optind));
  st.pos = pos;
  st.optind = optind;
  sh.setVar(name, c);
  sh.unsetVar('OPTARG');
  return 0;
}
