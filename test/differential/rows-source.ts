/**
 * Differential rows for code the interpreter meets at run time (issue 9 repros 1–4, issue 11 B5):
 * `source` of project libraries (functions, options, traps, BASH_SOURCE/FUNCNAME/BASH_LINENO,
 * source guards with top-level `return`, arguments, nesting, libraries named like cmdc's own,
 * syntax errors partway), `eval` (functions both ways, break/continue/return, `--`, status and
 * errors) and trap strings. Each row runs in real bash and compiled (test/differential/harness.ts).
 */
import type { Row } from './harness.js';

/** A row; `@{` stands for `${` (the rows are raw template literals, where `${` would interpolate). */
const row = (name: string, bash: string, extra: Partial<Row> = {}): Row => {
  const un = (t: string) => t.replaceAll('@{', '${');
  const files = extra.files ? Object.fromEntries(Object.entries(extra.files).map(([k, v]) => [k, typeof v === 'string' ? un(v) : v])) : undefined;
  return { name, bash: un(bash), ...extra, ...(files ? { files } : {}) };
};
const R = String.raw;

const util = { 'lib/util.sh': 'greet() { echo "hi $1"; }\nUTIL_VERSION=1.2\n' };

export const SOURCE_ROWS: Row[] = [
  // --- repro 2: functions and variables of any sourced file
  row('source: function of a sourced file', 'source lib/util.sh; greet bob; echo "v=$UTIL_VERSION"', { files: util }),
  row('source: dot and ./ path', '. ./lib/util.sh; greet "a b"; type -t greet', { files: util }),
  row('source: library calls its own functions', 'source lib/l.sh; outer x', {
    files: { 'lib/l.sh': '_inner() { echo "inner:$1"; }\nouter() { _inner "$1"; echo "outer:$1"; }\n' },
  }),
  row('source: declare -gA registry and readonly constants', R`source lib/reg.sh; register a 1; register b 2; echo "@{#REG[@]} @{REG[a]} @{REG[b]} $MAX"; MAX=9; echo $?`, {
    files: { 'lib/reg.sh': R`declare -gA REG=()
readonly MAX=3
register() { REG["$1"]="$2"; }
` },
  }),
  row('source: function defined in block visible in library', 'helper() { echo "helper $*"; }; source lib/u.sh; use_helper z', {
    files: { 'lib/u.sh': 'use_helper() { helper "from lib" "$1"; }\n' },
  }),
  // --- repro 1: files named like cmdc's own library run as written
  row('source: error-handling.sh of the project', 'CLAUDE_PROJECT_DIR=$PWD; source "$CLAUDE_PROJECT_DIR/lib/error-handling.sh"; my_fn', {
    files: { 'lib/error-handling.sh': 'my_fn(){ echo hi; }\n' },
  }),
  row('source: project state-persistence.sh wins over cmdc builtins', R`source .claude/lib/core/state-persistence.sh; init_workflow_state wf_1; append_workflow_state K "v 1"; cat "$STATE_FILE"; type -t discover_latest_state_file || echo none`, {
    files: { '.claude/lib/core/state-persistence.sh': R`init_workflow_state() { STATE_FILE="$PWD/state_$1.sh"; : > "$STATE_FILE"; echo "init $1"; }
append_workflow_state() { printf 'export %s=%q\n' "$1" "$2" >> "$STATE_FILE"; }
` },
  }),
  row('source: project workflow-state-machine.sh sm_init prints its own', R`source lib/workflow-state-machine.sh; sm_init "d" "/cmd" full 2 '[]'; echo "state=$CURRENT_STATE"`, {
    files: { 'lib/workflow-state-machine.sh': R`sm_init() { echo "init: $1"; echo "type: $3"; echo "complexity: $4"; CURRENT_STATE=initialize; }
` },
  }),
  row('source: project log_command_error with the statelib name', R`source lib/error-handling.sh; log_command_error "/c" id args state_error "msg" src '{}'; echo $?`, {
    files: { 'lib/error-handling.sh': R`log_command_error() { echo "custom log: $4 $5" >&2; return 3; }
` },
  }),
  // --- repro 3: options, traps set by a sourced file
  row('source: set -euo pipefail in a library applies to the block', 'source lib/opts.sh; echo "$-"; false; echo still', {
    files: { 'lib/opts.sh': 'set -euo pipefail\n' },
  }),
  row('source: set -u from a library', 'source lib/opts.sh; echo "@{undefined_var}"; echo never', { files: { 'lib/opts.sh': 'set -u\n' } }),
  row('source: pipefail from a library', 'source lib/opts.sh; false | true; echo "st=$?"', { files: { 'lib/opts.sh': 'set -o pipefail\n' } }),
  row('source: EXIT trap set by a library', 'source lib/t.sh; echo body', { files: { 'lib/t.sh': R`trap 'echo "cleanup $?"' EXIT
` } }),
  row('source: ERR trap installed by a library function', R`source lib/e.sh; setup_err_trap; false; echo after`, {
    files: { 'lib/e.sh': R`setup_err_trap() { trap '_on_err $LINENO "$BASH_COMMAND"' ERR; }
_on_err() { echo "ERR line $1: $2" >&2; }
` },
  }),
  row('source: shopt from a library', 'source lib/s.sh; echo none*.xyz | wc -w', { files: { 'lib/s.sh': 'shopt -s nullglob\n' } }),
  // --- repro 4: BASH_SOURCE, FUNCNAME, BASH_LINENO, return, arguments
  row('source: SCRIPT_DIR from BASH_SOURCE finds a sibling', R`source lib/a.sh; cd /; from_b; echo "@{SCRIPT_DIR##*/}"`, {
    files: {
      'lib/a.sh': R`SCRIPT_DIR="$(cd "$(dirname "@{BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPT_DIR/b.sh"
`,
      'lib/b.sh': 'from_b() { echo "b here"; }\n',
    },
  }),
  row('source: dirname BASH_SOURCE relative sibling', R`source lib/core/a.sh; echo "$B_LOADED"`, {
    files: {
      'lib/core/a.sh': R`source "$(dirname "@{BASH_SOURCE[0]}")/../util/b.sh"
`,
      'lib/util/b.sh': 'B_LOADED=yes\n',
    },
  }),
  row('source: BASH_SOURCE FUNCNAME BASH_LINENO stacks', R`echo "top @{#BASH_SOURCE[@]} @{#FUNCNAME[@]}"
source ./l1.sh
h
k() { source ./l2.sh; }
k`, {
    files: {
      'l1.sh': R`echo "l1 @{BASH_SOURCE[*]} | @{BASH_LINENO[*]} | @{FUNCNAME[*]}"
source ./l2.sh
`,
      'l2.sh': R`echo "l2 @{BASH_SOURCE[*]} | @{BASH_LINENO[*]} | @{FUNCNAME[*]}"
h() { echo "h @{BASH_SOURCE[*]} | @{BASH_LINENO[*]} | @{FUNCNAME[*]}"; }
`,
    },
  }),
  row('source: BASH_SOURCE of functions defined in the block', R`g() { echo "@{BASH_SOURCE[*]}|@{FUNCNAME[*]}|@{BASH_LINENO[*]}"; }
f() { g; }
f`),
  row('source: error messages name the library file and line', R`source lib/m.sh; broken; echo "st=$?"`, {
    files: { 'lib/m.sh': '# comment\nbroken() {\n  nosuch_cmd_xyz arg\n}\n' },
  }),
  row('source: error in a block function names environment', 'f() { nosuch_cmd_xyz; }; f; echo $?'),
  row('source: guard with top-level return', R`source lib/g.sh; source lib/g.sh; echo "count=$COUNT"`, {
    files: { 'lib/g.sh': R`[ -n "@{_G_LOADED:-}" ] && return 0
_G_LOADED=1
COUNT=$(( @{COUNT:-0} + 1 ))
echo loading
` },
  }),
  row('source: return status and code after return', 'source ./r.sh; echo "st=$?"; echo "@{AFTER-unset}"', {
    files: { 'r.sh': 'BEFORE=1\nreturn 3\nAFTER=1\n' },
  }),
  row('source: guard in a double-bracket form returns 0', R`source l.sh; source l.sh; echo $?`, {
    files: { 'l.sh': R`if [[ -n "@{_L:-}" ]]; then return 0; fi
_L=1; echo once
` },
  }),
  row('source: arguments and restore', R`set -- outer1 outer2; source ./args.sh a "b c"; echo "after: $# $1"`, {
    files: { 'args.sh': R`echo "in: $# [$1] [$2]"; shift; echo "shifted: $#"
` },
  }),
  row('source: no arguments keeps the callers', R`source ./args.sh; echo "after: $*"`, {
    args: ['x', 'y'],
    files: { 'args.sh': R`echo "in: $*"; set -- changed
` },
  }),
  row('source: nested three levels', R`source a.sh; echo "$A$B$C"`, {
    files: { 'a.sh': 'A=a; source b.sh\n', 'b.sh': 'B=b; source c.sh\n', 'c.sh': R`C=c; echo "@{BASH_SOURCE[*]}"
` },
  }),
  row('source: exit inside a sourced file ends the block', 'source ./x.sh; echo never', { files: { 'x.sh': 'echo in; exit 4\n' } }),
  row('source: local at the top of a file sourced from a function', R`f() { source ./loc.sh; echo "in f: $v"; }; f; echo "[@{v-unset}]"`, {
    files: { 'loc.sh': 'local v=inner\n' },
  }),
  row('source: missing file, directory, no argument, --', R`source ./nope.sh; echo "st=$?"; mkdir d; source d; echo "st=$?"; source; echo "st=$?"; source -- ./ok.sh; .; echo "st=$?"`, {
    files: { 'ok.sh': 'echo ok\n' },
  }),
  row('source: PATH lookup', R`mkdir -p bin; echo 'echo from-path' > bin/plib.sh; PATH="$PWD/bin:$PATH"; source plib.sh`),
  row('source: file from the cwd when not on PATH', 'source here.sh', { files: { 'here.sh': 'echo here\n' } }),
  row('source: empty and comment-only files give status 0', 'false; source ./e.sh; echo $?; false; source ./c.sh; echo $?', {
    files: { 'e.sh': '', 'c.sh': '# nothing\n' },
  }),
  row('source: set -e and a failing sourced file', 'set -e; source ./f.sh; echo never', { files: { 'f.sh': 'echo one\nfalse\necho two\n' } }),
  // --- bash islands (constructs not yet translated) see the library's functions
  row('source: island in the block calls a library function', R`source lib/u.sh; while read -r l; do shout "$l"; done < <(printf 'a\nb\n')`, {
    files: { 'lib/u.sh': R`shout() { echo "@{1^^}!"; }
` },
  }),
  row('source: island inside a library function calls another', R`source lib/u.sh; count_lines; echo "n=$N"`, {
    files: { 'lib/u.sh': R`_one() { N=$((N + 1)); }
count_lines() { N=0; while read -r _; do _one; done < <(printf '1\n2\n3\n'); }
` },
  }),
  row('source: island as a condition under set -e from a library', R`source lib/u.sh; check_vars A B; echo "st=$?"`, {
    env: { A: 'a' },
    files: { 'lib/u.sh': R`set -e
check_vars() { local v missing=(); for v in "$@"; do if [ -z "@{!v:-}" ]; then missing+=("$v"); fi; done; echo "missing: @{missing[*]}"; }
` },
  }),
  row('source: an error bash survives abandons a line of the file, not the file', R`readonly R=1; source ./sr.sh; echo "after $?"`, {
    files: { 'sr.sh': 'echo s1; R=2; echo s1b\necho s2\n' },
  }),
  row('source: arithmetic error on the last line, status and the caller goes on', R`source ./sz.sh; echo "after $?"; f() { source ./sz.sh; echo "in f $?"; }; f`, {
    files: { 'sz.sh': 'echo s1\necho $((1/0)); echo s1b\n' },
  }),
  // --- a library that fails to parse partway
  row('source: syntax error partway: prefix runs, functions kept', R`source ./bad.sh; echo "st=$?"; f`, {
    files: { 'bad.sh': 'f() { echo f-defined; }\necho before\nif then\necho never\n' },
  }),
  row('source: unterminated quote at the end', R`source ./bad.sh; echo "st=$? $X"`, { files: { 'bad.sh': 'X=1\necho "unterminated\n' } }),
  row('source: unclosed function at the end', R`source ./bad.sh; echo "st=$?"`, { files: { 'bad.sh': 'echo a\ng() {\n echo b\n' } }),
  row('source: syntax error under set -e exits with the first line only', R`set -e; source ./bad.sh; echo never`, {
    files: { 'bad.sh': 'echo a\nif then\n' },
  }),
  row('source: stray fi in a sourced file', R`. ./bad.sh || echo "failed $?"`, { files: { 'bad.sh': 'Y=2\nfi\nY=3\n' }, vars: ['Y'] }),
  // found by the typed-tier property test (test/differential/typed.test.ts): a file not found ends
  // a `set -e` shell at once, before the ERR trap; where set -e does not apply it is status 1
  row('source: missing file under set -e exits before the ERR trap', `set -e; trap 'echo ERR' ERR; source missing.sh 2>/dev/null; echo after`),
  row('source: . missing file under set -e inside a function', 'set -e; f() { . ./nope.sh; echo infunc; }; f; echo after'),
  row('source: missing file in if, &&, ! goes on under set -e', 'set -e; if source missing.sh; then :; fi; source missing.sh && echo and; ! source missing.sh; echo after $?'),
  // the exit status is the previous command's when it failed (found by the typed property test)
  row('source: missing file under set -e after a failed || left exits with its status', `set -e; trap 'echo "ERR $?"' ERR; ls nope 2>/dev/null || { source missing.sh 2>/dev/null; echo failed; }; echo after`),
  row('source: missing file under set -e after (exit 7) ||', 'set -e; (exit 7) || source missing.sh 2>/dev/null; echo after'),
  row('source: missing file under set -e after a function returning 4 ||', 'set -e; f() { return 4; }; f || . ./nope.sh 2>/dev/null; echo after'),
  row('source: missing file under set -e after true && / ! true || exits 1', 'set -e; true && source missing.sh 2>/dev/null; echo after'),
  row('source: missing file under set -e after ! true ||', 'set -e; ! true || source missing.sh 2>/dev/null; echo after'),
  row('source: missing file without set -e runs the ERR trap', `trap 'echo "ERR $?"' ERR; source missing.sh; echo after $?`),
  row('source: a directory under set -e runs the ERR trap, then exits', `mkdir d; set -e; trap 'echo ERR' ERR; source d; echo after`),
  // --- caller: the stack a library's logger records (the seed's build_stack_json)
  row('caller: in functions, from a sourced library, at the top level', R`source lib/c.sh; f() { where; caller 0 || echo "c0=$?"; }; g() { f; }; g; caller; echo "top=$?"`, {
    files: { 'lib/c.sh': R`where() { caller; caller 0; caller 1; caller 2 || echo "end=$?"; }
` },
  }),
  row('caller: the stack loop of an error logger in an EXIT trap and an ERR trap', R`source lib/e.sh; setup x; f() { false; }; f; echo never`, {
    files: { 'lib/e.sh': R`stack() { local i=0 fr out=(); while fr=$(caller "$i"); do out+=("$fr"); i=$((i + 1)); done; printf '[%s]' "@{out[@]}"; echo " n=@{#out[@]}"; }
_err() { echo "err $1"; stack; exit "$1"; }
_ex() { echo "exit $?"; stack; }
setup() { trap '_err $?' ERR; trap "_ex $1" EXIT; }
` },
  }),
  row('caller: sourced file at the top level and in a function', R`source ./s.sh; h() { source ./s.sh; }; h`, { files: { 's.sh': R`caller; echo "st=$?"; caller 0; echo "st0=$?"
` } }),
  row('caller: in an ERR trap every call records the failing line; an EXIT trap from there does not', R`source ./t.sh
trap x EXIT
trap a ERR

false
echo never`, {
    files: { 't.sh': 'a() {\n  echo a\n  b\n  exit 4\n}\nb() {\n  c\n}\nc() { echo "c: @{BASH_LINENO[*]} @{FUNCNAME[*]}"; caller 0; caller 1; }\nx() {\n  b\n}\n' },
  }),
  row('exit in a function: the EXIT trap sees its locals, FUNCNAME and arguments', R`trap 'echo "x=$x f=@{FUNCNAME[*]} a=$1"; caller 0' EXIT; f() { local x=1; exit 2; }; g() { f arg; }; g`),
  row('caller: bad arguments', R`f() { caller x; echo "a=$?"; caller -1; echo "b=$?"; caller -- 0; caller ' 0' extra; caller ''; echo "c=$?"; }; g() { f; }; g; caller zz; echo "top=$?"`),

];

export const EVAL_ROWS: Row[] = [
  row('eval: function defined outside, called in eval', "greet(){ echo hi; }; eval 'greet'"),
  row('eval: function defined in eval, called outside', R`eval 'g2() { echo "g2 $1"; }'; g2 x`),
  row('eval: continue acts on the enclosing loop', 'for i in 1 2 3; do [ $i = 2 ] && eval continue; echo $i; done'),
  row('eval: break acts on the enclosing loop', 'for i in 1 2 3; do [ $i = 2 ] && eval "break"; echo $i; done; echo end'),
  row('eval: return acts on the enclosing function', "f() { eval 'return 4'; echo no; }; f; echo \"st=$?\""),
  row('eval: return from a sourced file', 'source ./r.sh; echo "st=$?"', { files: { 'r.sh': "eval 'return 5'\necho no\n" } }),
  row('eval: -- and empty', R`eval -- echo hi; eval --; echo "st=$?"; false; eval; echo "st=$?"; false; eval ''; echo "st=$?"`),
  row('eval: invalid option', 'eval -x foo; echo "st=$?"'),
  row('eval: status of the last command', 'eval false; echo $?; eval "true; false; true"; echo $?; eval "(exit 7)"; echo $?'),
  row('eval: exit ends the block', 'eval "echo a; exit 3"; echo never'),
  row('eval: sees $? from before', 'false; eval \'echo "st=$?"\''),
  // (a multi-line literal `eval '…'` is left out: bash counts a multi-line command's lines from its
  // last line when it runs it, the interpreter from its first — a LINENO matter beyond eval)
  row('eval: LINENO counts from the eval', R`echo l1
t='echo "A$LINENO"
echo "B$LINENO"
nosuch_cmd_xyz'
eval "$t"
echo "C$LINENO"`),
  row('eval: syntax error', R`eval 'fi'; echo "st=$?"
t='echo a
fi'
eval "$t"; echo "st=$?"`),
  row('eval: syntax error inside a function and after a good line', R`f() {
  eval "$1"
}
f 'echo ok
if then'; echo "st=$?"`),
  row('eval: syntax error under set -e exits', R`set -e; eval 'fi'; echo never`),
  row('eval: unterminated quote', R`eval 'echo "a'; echo "st=$?"`),
  row('eval: an error bash survives abandons a line of the text', R`readonly R=1; t='echo e1; R=3; echo e1b
echo e2'; eval "$t"; echo "after $?"`),
  row('eval: set -e applies inside', 'set -e; eval "false"; echo never'),
  row('eval: ERR trap', R`trap 'echo "ERR $?"' ERR; eval false; echo after`),
  row('eval: nested eval and variables', R`x=1; eval 'eval "y=\$((x+1))"'; echo $y`, { vars: ['y'] }),
  row('eval: local inside a function', R`f() { eval 'local v=in'; echo "$v"; }; f; echo "[@{v-unset}]"`),
  row('eval: assignments and arrays', R`eval 'a=(1 "2 3"); declare -A m=([k]=v)'; echo "@{#a[@]} @{a[1]} @{m[k]}"`),
  row('eval: generated assignments in a loop', R`for k in A B C; do eval "VAR_$k=\"val $k\""; done; echo "$VAR_A|$VAR_B|$VAR_C"`, { vars: ['VAR_B'] }),
  row('eval: errors inside name the function file', R`f() { eval 'nosuch_cmd_xyz'; }; f`),
];

export const TRAP_ROWS: Row[] = [
  row('trap string: EXIT sees final variables', R`trap 'echo "bye $x"' EXIT; x=1`),
  row('trap string: text known only at run time', R`t='echo dyn $$ >/dev/null; echo dynamic'; trap "$t" EXIT; echo body`),
  row('trap string: calls a function defined later', R`trap 'cleanup' EXIT; cleanup() { echo "cleanup ran $?"; }; exit 3`),
  row('trap string: ERR with LINENO', R`msg='echo "ERR at $LINENO: $BASH_COMMAND"'
trap "$msg" ERR
echo one
false
echo two`),
  row('trap string: INT TERM and EXIT in one', R`h='echo handler'; trap "$h" EXIT INT TERM; trap -p EXIT`),
  row('trap string: sets variables of the shell', R`trap 'DONE=yes; echo "done=$DONE"' EXIT; echo body`),
  row('trap string: syntax error', R`t='echo T; fi'; trap "$t" EXIT; echo x`),
  row('trap string: syntax error on line 2 runs line 1', R`t='echo T
fi'; trap "$t" EXIT; echo x`),
  // script only: under claude-code bash saves the cwd before the EXIT trap changes the status,
  // the harness (runner/profile.ts cwdAfter) looks at the final status — not a matter of traps
  row('trap string: EXIT trap syntax error under set -e', R`set -e; t='echo T; fi'; trap "$t" EXIT; echo x`, { profiles: ['script'] }),
  row('trap string: ERR trap with a syntax error', R`t='echo E; fi'; trap "$t" ERR; false; echo "after $?"`),
  // --- $BASH_COMMAND is the failing simple command's text as bash prints it (issue 9: a library's
  // ERR trap judges by it), assignment-only commands included
  row('BASH_COMMAND: assignment-only command in an ERR trap', R`trap 'echo "[$BASH_COMMAND] $?"' ERR
[ -f /nonexistent ] || true
N=$(grep -c '^x:' /dev/null)
A=1   B=$(false)   C=3
echo "N=$N C=$C"`),
  row('BASH_COMMAND: redirections, quotes and substitutions as bash prints them', R`trap 'echo "[$BASH_COMMAND]" >&2' ERR
X=yes
grep   -q "$X  y"  /dev/null   2>&1 >/dev/null
ls /nonexistent-dir  2> /dev/null   >&2
cat   <   /nonexistent 2>/dev/null
R=$(echo   a |   grep   -q b   &&  true)
[[ -f /nonexistent   &&   $X == y* ]]
declare  -i  D=$(false)  ; echo "D=$D"`),
  row('BASH_COMMAND: in functions and a sourced library, the seed-style benign-command filter', R`source lib/err.sh; setup
check() { [ -n "" ]; }
check || echo "check failed"
load() { local out; out=$(printf '%s\n' a b | grep -c z); echo "out=$out"; }
load
echo end`, {
    files: { 'lib/err.sh': R`_on_err() {
  case "$2" in "return "*|"[ "*|"[[ "*|"test "*) echo "benign: $2"; return 0 ;; esac
  echo "ERROR line $1: $2 (exit $3)"
}
setup() { trap '_on_err $LINENO "$BASH_COMMAND" $?' ERR; }
` },
  }),
  row('BASH_COMMAND: heredoc and here-string commands', R`trap 'printf "[%s]\n" "$BASH_COMMAND"' ERR
grep -q nomatch <<EOF
one   two
EOF
grep -q nomatch <<<  "a   b"
echo done`),
  // bash: "unless the shell is executing a command as the result of a trap, in which case it is the
  // command executing at the time of the trap" — frozen for the whole handler (functions, pipeline
  // stages), but a ( ) subshell in it shows its own commands
  row('BASH_COMMAND: frozen for a whole ERR handler, not in its ( ) subshell', R`f() { echo "f[$BASH_COMMAND]"; }
trap 'echo "[$BASH_COMMAND]"; true; echo "[$BASH_COMMAND]"; f; (echo "sub[$BASH_COMMAND]"); echo "p[$BASH_COMMAND]" | cat' ERR
false x
echo "after[$BASH_COMMAND]"`),
  // script only: under Claude Code the EXIT trap runs after the client's own `pwd -P >| <tmp file>`
  // (notes/claude-code.md), a command and a random path no block can see
  row('BASH_COMMAND: frozen in the EXIT handler', R`trap 'echo "exit[$BASH_COMMAND]"; true; echo "exit[$BASH_COMMAND]"' EXIT
echo hi`, { profiles: ['script'] }),
  row('BASH_COMMAND: the command itself while its own words expand', R`echo "[$BASH_COMMAND]" | cat
(echo "s[$BASH_COMMAND]")
x=$(echo "c[$BASH_COMMAND]"); echo "$x"
printf '%s
' "p[$BASH_COMMAND]"`),
  row('BASH_COMMAND: a pipeline shows its last command; the handler\'s own commands never leak', R`trap 'echo "[$BASH_COMMAND] $?"' ERR
set -o pipefail
false | true
true | false
cat <<E | grep -q zz
abc
E
[[ -n "" ]]`),
  row('BASH_COMMAND: restored after eval and source ran their code', R`trap 'echo "[$BASH_COMMAND] $?"' ERR
eval "false x"
echo 'false z' > z.sh
source z.sh
. ./z.sh
eval 'true; false'`),
  row('BASH_COMMAND: functions do not restore it', R`trap 'echo "[$BASH_COMMAND] $?"' ERR
g() { true; return 3; }
g x
h() { false; }
h y
k() { eval 'return 4'; }
k`),
  row('BASH_COMMAND: a trap on a signal sees the interrupted command', R`trap 'echo "usr1[$BASH_COMMAND]"; true; echo "again[$BASH_COMMAND]"' USR1
kill -USR1 $$
echo done`),
];

export const ROWS_SOURCE: Row[] = [...SOURCE_ROWS, ...EVAL_ROWS, ...TRAP_ROWS];
