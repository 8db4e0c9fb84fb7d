/**
 * Differential test of the state library builtins (runtime/statelib/): each row is a sequence
 * of library calls run (a) in real bash, sourcing runtime/lib/*.sh installed where the row
 * sources them (`$CLAUDE_PROJECT_DIR/.claude/lib/{core,workflow}/`), and (b) compiled
 * (parse → translateBlock) in a Shell with the TS builtins, which `source` activates because the
 * installed copies are byte-identical to runtime/lib/*.sh (the project's own library, any other
 * file, would run as written). Both run in a fresh project directory of the same path with the
 * same environment.
 *
 * Compared: stdout, stderr, exit status, every variable the row or the library created (value and
 * export flag), and every file under the project directory (path and bytes: state files, owner
 * index, checkpoints, error logs). Normalised, and nothing else: workflow ids, 19-digit
 * nanosecond timestamps, ISO timestamps, rotated error-log names. A missing bash is a failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBash } from '../../compiler/parse.js';
import { createContext } from '../../compiler/context.js';
import { translateBlock } from '../../compiler/translate/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-statelib-'));
const PROJ = path.join(WORK, 'proj');

interface Row {
  name: string;
  bash: string;
  env?: Record<string, string>;
  /** Files created in the project before the row runs. */
  files?: Record<string, string>;
}

const SP = 'source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"\n';
const EH = 'source "$CLAUDE_PROJECT_DIR/.claude/lib/core/error-handling.sh"\n';
const SM = 'source "$CLAUDE_PROJECT_DIR/.claude/lib/workflow/workflow-state-machine.sh"\n';
const ID = 'demo_1765352600123456789_V1StGXR8_Z5jdHi6B-myT';
const ID2 = 'demo_1765352600123456790_V1StGXR8_Z5jdHi6B-myU';
const INIT = `${SP}init_workflow_state ${ID} >/dev/null\n`;

const row = (name: string, bash: string, extra: Partial<Row> = {}): Row => ({ name, bash, ...extra });

const ALL_ROWS: Row[] = [
  // --- sourcing
  row('source activates, status 0', `${SP}echo "sourced $?"; ${EH}${SM}echo "$STATE_RESEARCH $CMDC_ERROR_TYPES"; declare -p CMDC_SM_TERMINAL >/dev/null && echo tables`),
  row('source guarded by || exit', `source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh" 2>/dev/null || { echo "ERROR: Failed" >&2; exit 1; }\necho ok`),
  // --- ids
  row('validate_workflow_id', `${SP}validate_workflow_id ${ID}; echo "s=$?"; validate_workflow_id ${ID} other; echo "s=$?"; validate_workflow_id 'bad id'; echo "s=$?"; validate_workflow_id; echo "s=$?"; validate_workflow_id create_plan_1765352600123456789 create_plan; echo "s=$?"`),
  row('generate_unique_workflow_id', `${SP}id=$(generate_unique_workflow_id demo); validate_workflow_id "$id" demo >/dev/null && echo valid; generate_unique_workflow_id bad_prefix; echo "s=$?"; generate_unique_workflow_id; echo "s=$?"`),
  // --- init / append / load
  row('init prints path, sets and exports', `${SP}COMMAND_NAME=/demo\ninit_workflow_state ${ID}; echo "s=$? $STATE_FILE $WORKFLOW_ID"; env | grep -c '^STATE_FILE=' ; init_workflow_state ${ID}; echo "again s=$?"`),
  row('init in a command substitution', `${SP}F=$(init_workflow_state ${ID}); echo "[$F] [\${STATE_FILE-unset}]"; test -f "$F" && echo exists`),
  row('init invalid id', `${SP}init_workflow_state 'x y'; echo "s=$?"; WORKFLOW_ID=${ID}; init_workflow_state; echo "s=$?"`),
  row('append scalars, injection corpus', `${INIT}` +
    `append_workflow_state SUBST 'value with $(touch SENTINEL) inside'\n` +
    "append_workflow_state BACKTICK 'a `touch SENTINEL` b'\n" +
    `append_workflow_state QUOTES "it's \\"quoted\\" and \\\\ backslashed"\n` +
    `append_workflow_state MULTI $'line one\\nline two\\n\\nline four'\n` +
    `append_workflow_state CTRL $'a\\x01b\\tc\\rd\\x7f'\n` +
    `append_workflow_state BANG 'wow!' ; append_workflow_state UNICODE 'héllo wörld ✓ — 日本'\n` +
    `append_workflow_state EMPTY ''; append_workflow_state ONLYKEY\n` +
    `unset SUBST BACKTICK QUOTES MULTI CTRL BANG UNICODE EMPTY\n` +
    `load_workflow_state ${ID}; echo "load=$?"\n` +
    `printf '[%s]\\n' "$SUBST" "$BACKTICK" "$QUOTES" "$MULTI" "$CTRL" "$BANG" "$UNICODE" "$EMPTY" "$ONLYKEY"\n` +
    `ls SENTINEL 2>/dev/null || echo no-sentinel`),
  row('append arrays', `${INIT}append_workflow_state_array FILES a.ts 'b c.ts' '' "$(printf 'x\\ny')"; append_workflow_state_array NONE; unset FILES\nload_workflow_state ${ID}; echo "\${#FILES[@]} [\${FILES[1]}] [\${FILES[3]}]"; declare -p NONE`),
  row('append errors', `${SP}append_workflow_state; echo "s=$?"; append_workflow_state K v; echo "s=$?"; init_workflow_state ${ID} >/dev/null; append_workflow_state 'bad key' v; echo "s=$?"; append_workflow_state PATH v; echo "s=$?"; append_workflow_state CMDC_X v; echo "s=$?"; append_workflow_state_array; echo "s=$?"; STATE_FILE=/nowhere/x.txt append_workflow_state K v; echo "s=$?"; rm "$STATE_FILE"; append_workflow_state K v; echo "s=$?"`),
  row('append via WORKFLOW_ID only', `${SP}init_workflow_state ${ID} >/dev/null; unset STATE_FILE; append_workflow_state K v; echo "s=$?"; grep -c K= .claude/tmp/workflow_${ID}.sh`),
  row('load errors and first block', `${SP}load_workflow_state ${ID}; echo "s=$?"; load_workflow_state ${ID} true; echo "s=$? $WORKFLOW_ID"; load_workflow_state bad; echo "s=$?"; load_workflow_state ./x/notastate.sh; echo "s=$?"; load_workflow_state; echo "s=$?"`),
  row('load by path, relative', `${INIT}append_workflow_state A 1; unset A STATE_FILE; cd .claude; load_workflow_state tmp/workflow_${ID}.sh; echo "s=$? A=$A $STATE_FILE"`),
  row('load repairs a torn tail', `${INIT}append_workflow_state A 1; printf '{ B=$'"'"'x' >> "$STATE_FILE"; load_workflow_state ${ID}; echo "s=$? A=$A B=\${B-unset}"; append_workflow_state C 3; tail -c 40 "$STATE_FILE"`),
  row('load does not set the caller locals it shadows', `${INIT}append_workflow_state first yes; append_workflow_state other yes; unset first other; load_workflow_state ${ID}; echo "[\${first-unset}] [$other]"`),
  row('source the state file (parsed)', `${INIT}append_workflow_state A 'x $(touch SENTINEL)'; append_workflow_state_array L 1 2; append_workflow_state L z; unset A L WORKFLOW_ID\nsource "$STATE_FILE"; echo "$? [$A] [\${L[*]}] $WORKFLOW_ID"; ls SENTINEL 2>/dev/null || echo no-sentinel`),
  row('source a state file in a function keeps locals', `${INIT}append_workflow_state A outer; f() { local A=inner; source "$STATE_FILE"; echo "in $A"; }; A=global; f; echo "out $A"`),
  // (a seed file that needs evaluation, e.g. "$((1+2))", is refused: test/e2e/tampered.test.ts)
  row('source a seed-format workflow file', `mkdir -p d; printf 'export X="seed 3"\\nY=plain\\n' > d/workflow_old.sh; source d/workflow_old.sh; echo "$X $Y"; env | grep -c '^X='`),
  row('status and block', `${INIT}set_workflow_status paused; echo "s=$?"; set_workflow_block 3; echo "s=$?"; set_workflow_status bogus; echo "s=$?"; set_workflow_block -1; echo "s=$?"; set_workflow_status done; ls .claude/tmp/.cmdc/owners/*/ | wc -l`),
  // --- a state file that does not parse is refused whole, never sourced (issue 12)
  row('tampered state refused by load and discover', `${SP}n=0\nwhile IFS= read -r p; do n=$((n+1)); init_workflow_state demo_176535260012345678\${n}_V1StGXR8_Z5jdHi6B-myT >/dev/null; append_workflow_state A 1; printf '%b' "$p" >> "$STATE_FILE"; unset A; load_workflow_state "$WORKFLOW_ID"; echo "load s=$? A=\${A-unset}"; CMDC_WORKFLOW_ID=$WORKFLOW_ID discover_latest_state_file demo >/dev/null; echo "discover s=$?"; set_workflow_status done; done <<'END'
touch PWNED\\n
B=$(touch PWNED)\\n
B=\`touch PWNED\`\\n
B=x touch PWNED\\n
{ B=$'1'; touch PWNED; }\\n
cat <<X >PWNED\\nx\\nX\\n
export B='x\\nC=1' touch PWNED\\n
B=1 touch PWNED
PATH=/nowhere\\n
{ LD_PRELOAD=$'x'; }\\n
END
ls PWNED 2>/dev/null || echo nothing-ran`),
  row('legacy state lines still load', `${INIT}printf '%s\\n' "export B='it'\\''s'" 'C="two words" D=plain' "export E='multi" "line'" '# comment' >> "$STATE_FILE"; load_workflow_state ${ID}; echo "s=$? [$B] [$C] [$D] [$E]"`),
  row('torn record tail repaired, not refused', `${INIT}append_workflow_state A 1; printf '{ B=$'"'"'x}' >> "$STATE_FILE"; unset STATE_FILE; discover_latest_state_file demo >/dev/null; echo "s=$?"; tail -c 20 .claude/tmp/workflow_${ID}.sh`),
  // --- discovery
  row('discover none', `${SP}discover_latest_state_file demo; echo "s=$?"; discover_latest_state_file; echo "s=$?"`),
  row('discover one', `${INIT}unset STATE_FILE; F=$(discover_latest_state_file demo); echo "s=$? $F"; discover_latest_state_file other; echo "s=$?"`),
  row('discover ambiguous', `${INIT}init_workflow_state ${ID2} >/dev/null; touch -d '2020-01-01' .claude/tmp/workflow_${ID}.sh; discover_latest_state_file demo; echo "s=$?"`),
  row('discover skips done and other owners', `${INIT}set_workflow_status done; CMDC_OWNER=someone-else init_workflow_state ${ID2} >/dev/null; discover_latest_state_file demo; echo "s=$?"`),
  row('discover uses CMDC_WORKFLOW_ID', `${INIT}init_workflow_state ${ID2} >/dev/null; CMDC_WORKFLOW_ID=${ID2} discover_latest_state_file demo; echo "s=$?"; CMDC_WORKFLOW_ID=${ID2} discover_latest_state_file other; echo "s=$?"`),
  row('discover rebuilds a missing index', `${INIT}rm -rf .claude/tmp/.cmdc; discover_latest_state_file demo; echo "s=$?"`),
  // --- checkpoints
  row('checkpoints', `${INIT}save_json_checkpoint plan '{"phases":[1,2],"name":"x","nested":{"a":true,"b":null},"e":[],"o":{}}'; echo "s=$?"; load_json_checkpoint plan; echo "s=$?"; load_json_checkpoint nothing; echo "s=$?"; save_json_checkpoint bad '{nope'; echo "s=$?"; save_json_checkpoint '../x' '{}'; echo "s=$?"; save_json_checkpoint n '1' bad-id; echo "s=$?"; save_json_checkpoint ws '   '; echo "s=$?"`),
  row('checkpoints jq formatting', `${INIT}save_json_checkpoint nums '{"a":1.10,"b":1e2,"c":100000000000000000000, "d":"\\u00e9\\/"}'; cat .claude/tmp/.cmdc/checkpoints/${ID}/nums.json; save_json_checkpoint two '1 2'; echo "s=$?"; cat .claude/tmp/.cmdc/checkpoints/${ID}/two.json`),
  row('checkpoints without jq', `${INIT}mkdir bin; for t in mkdir mv sync rm; do ln -s "$(command -v $t)" bin/; done; PATH=$PWD/bin; save_json_checkpoint raw '{ "a" : 1 }'; echo "s=$?"; load_json_checkpoint raw`),
  // --- error log
  row('log_command_error contexts', `${EH}log_command_error /c ${ID} 'a "b"' file_error $'msg\\n2' src.md:3 '{"plan":"missing","n":-1,"ok":true}'; echo "s=$?"\n` +
    `log_command_error /c "" "" validation_error m "" '{"nested":{"a":[1,2]}, "b": "x"}'\n` +
    `log_command_error /c "" "" validation_error m "" 'not json'\nlog_command_error /c "" "" validation_error m "" ''\n` +
    `log_command_error /c "" "" validation_error m "" '[1,2]'\nlog_command_error /c "" "" validation_error m "" '{"b":1,"1":2}'\n` +
    `log_command_error /c "" "" validation_error m "" '{"x":1.5}'\nlog_command_error /c "" "" validation_error m\n` +
    `log_command_error /c "" "" bogus_type m; echo "s=$?"; log_command_error; echo "s=$?"`),
  row('log_command_error rotation and bad limit', `${EH}for i in 1 2 3; do CMDC_ERRORS_MAX_BYTES=100 log_command_error /c "" "" state_error "entry $i"; done; ls .claude/data/logs | wc -l; CMDC_ERRORS_MAX_BYTES=0 log_command_error /c "" "" state_error x; echo "s=$?"`),
  row('log dir from CMDC_LOG_DIR', `${EH}CMDC_LOG_DIR=logs log_command_error /c "" "" agent_error m; cat logs/errors.jsonl | wc -l`),
  row('cmdc_json_string', `${EH}cmdc_json_string J $'a"b\\\\c\\n\\x01é'; echo "$J"`),
  row('setup_bash_error_trap', `${INIT}COMMAND_NAME=/demo; USER_ARGS='x y'\nsetup_bash_error_trap; trap -p ERR\nfalse\necho after; setup_bash_error_trap /other ${ID} "it's"; trap -p ERR`),
  row('error trap fires per failure and stays', `${EH}setup_bash_error_trap /t "" ""\nfalse\nfalse\nCMDC_SOURCE=x.md:9; false\necho done`),
  // --- state machine
  row('sm_init and transitions persisted', `${INIT}${SM}sm_init "desc" "/demo" "full-implementation" 2 "[]"; echo "s=$? $CURRENT_STATE $TERMINAL_STATE"; sm_transition research; sm_transition research; echo "s=$?"; sm_transition plan; sm_allowed_transitions; sm_can_transition implement && echo can; sm_can_transition complete || echo cannot; echo "\${COMPLETED_STATES[*]}"; unset CURRENT_STATE COMPLETED_STATES; load_workflow_state ${ID}; echo "$CURRENT_STATE \${COMPLETED_STATES[*]}"`),
  row('sm invalid type and transition', `${INIT}${SM}COMMAND_NAME=/demo; sm_init bogus; echo "s=$?"; sm_init implement-only; sm_transition document; echo "s=$?"; sm_transition implement; sm_transition complete; sm_transition research; echo "s=$?"`),
  row('sm without persistence library', `${SM}STATE_FILE=x; sm_init research-only; sm_transition research; echo "$CURRENT_STATE \${COMPLETED_STATES[*]}"; env | grep -c '^CURRENT_STATE='`),
  row('sm readonly state names', `${SM}STATE_PLAN=x; echo "s=$? $STATE_PLAN"`),
  // --- islands
  row('library call inside an island', `${INIT}x=1; case a in a) append_workflow_state ISL "v $x";& b) y=2;; esac; echo "$y"; grep -c ISL "$STATE_FILE"`),
  row('source inside an island', `x=1; case a in a) source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh" && echo sourced;& b) validate_workflow_id ${ID} demo;; esac`),
];

const ROWS = process.env.STATELIB_FILTER ? ALL_ROWS.filter((r) => r.name.includes(process.env.STATELIB_FILTER!)) : ALL_ROWS;

const SKIP = /^(BASH|BASH_.*|BASHOPTS|BASHPID|COLUMNS|COMP_.*|DIRSTACK|EPOCHREALTIME|EPOCHSECONDS|EUID|FUNCNAME|GROUPS|HISTCMD|HISTFILE|HISTFILESIZE|HISTSIZE|HOSTNAME|HOSTTYPE|IFS|LINENO|LINES|MACHTYPE|MAILCHECK|OPTERR|OPTIND|OSTYPE|PIPESTATUS|PPID|PS1|PS2|PS4|PWD|OLDPWD|RANDOM|SECONDS|SHELLOPTS|SHLVL|SRANDOM|UID|_|_CMDC_SELF_PID|_CMDC_SELF_START|STATELIB_BEFORE__|__.*)$/;

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(WORK, 'home'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    CLAUDE_PROJECT_DIR: PROJ,
    CMDC_OWNER: 'statelib-test',
    ...extra,
  };
}

function fresh(row: Row, install: boolean): void {
  fs.rmSync(PROJ, { recursive: true, force: true });
  fs.mkdirSync(PROJ, { recursive: true });
  for (const [f, c] of Object.entries(row.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(PROJ, f)), { recursive: true });
    fs.writeFileSync(path.join(PROJ, f), c);
  }
  if (!install) return;
  for (const [f, d] of [['state-persistence.sh', 'core'], ['error-handling.sh', 'core'], ['workflow-state-machine.sh', 'workflow']] as const) {
    fs.mkdirSync(path.join(PROJ, '.claude/lib', d), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'runtime/lib', f), path.join(PROJ, '.claude/lib', d, f));
  }
}

function normalise(s: string): string {
  return s
    .replace(/\berrors\.\d{8}T\d{12}Z-[0-9a-f]{12}\.jsonl/g, 'errors.<ROTATED>.jsonl')
    .replace(/\b[A-Za-z][A-Za-z0-9_-]*?_\d{19}(?:_[A-Za-z0-9_-]{21})?(?=\b|\.sh|\.json|[^A-Za-z0-9_-]|$)/g, '<WFID>')
    .replace(/\b\d{19}\b/g, '<NS>')
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TS>');
}

/** Every file under the project (except the installed library copies), normalised. */
function tree(): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const rel = path.relative(PROJ, p);
      if (rel === '.claude/lib') continue;
      const st = fs.lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${rel}:\n${fs.readFileSync(p, 'latin1')}`);
    }
  };
  walk(PROJ);
  return normalise(out.join('\n'));
}

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
  vars: string;
  files: string;
}

/** Variables as `name[x]=json`, sorted; `skip` = names present before the row ran. */
function formatVars(vars: Map<string, { value: string | string[] | Record<string, string>; exported: boolean }>, skip: Set<string>): string {
  const lines: string[] = [];
  for (const [k, v] of [...vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (SKIP.test(k) || skip.has(k)) continue;
    lines.push(`${k}${v.exported ? '[x]' : ''}=${JSON.stringify(v.value)}`);
  }
  return normalise(lines.join('\n'));
}

const DUMP = String.raw`
__dump() {
  local __n __a __k __i
  {
    for __n in $(compgen -v); do
      case $__n in __*) continue;; esac
      __a=@{!__n@a}
      if [[ $__a == *[aA]* ]]; then
        eval "__k=(\"\@{!$__n[@]}\")"
        printf '%s\0%s\0%s\0' "$__n" "$__a" "@{#__k[@]}"
        for __i in "@{__k[@]}"; do eval "printf '%s\0%s\0' \"\$__i\" \"\@{$__n[\$__i]}\""; done
      elif [[ -v $__n ]]; then
        printf '%s\0%s\0%s\0' "$__n" "@{__a:--}" "@{!__n}"
      fi
    done
  } > "$__dump_out"
}
trap __dump EXIT
`.replaceAll('@{', '${');

function parseDump(buf: Buffer): Map<string, { value: string | string[] | Record<string, string>; exported: boolean }> {
  const f = buf.toString('utf8').split('\0');
  const vars = new Map<string, { value: string | string[] | Record<string, string>; exported: boolean }>();
  let i = 0;
  while (i < f.length - 1) {
    const name = f[i++]!;
    const attrs = f[i++]!;
    if (/[aA]/.test(attrs)) {
      const n = Number(f[i++]);
      const pairs: [string, string][] = [];
      for (let k = 0; k < n; k++) pairs.push([f[i++]!, f[i++]!]);
      const value = attrs.includes('A') ? Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : 1))) : pairs.map(([, x]) => x);
      vars.set(name, { value, exported: attrs.includes('x') });
    } else vars.set(name, { value: f[i++]!, exported: attrs.includes('x') });
  }
  return vars;
}

function runBash(row: Row): Outcome {
  fresh(row, true);
  const out = path.join(WORK, 'dump');
  const envFile = path.join(WORK, 'env.sh');
  fs.writeFileSync(envFile, `unset BASH_ENV\n__dump_out=${JSON.stringify(out)}\nSTATELIB_BEFORE__=" $(compgen -v | tr '\\n' ' ') "\n${DUMP}`);
  fs.rmSync(out, { force: true });
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', row.bash, 'bash'], {
    cwd: PROJ, env: { ...baseEnv(row.env), BASH_ENV: envFile }, encoding: 'utf8', input: '',
  });
  if (r.error) throw r.error;
  const vars = parseDump(fs.existsSync(out) ? fs.readFileSync(out) : Buffer.alloc(0));
  const before = new Set((vars.get('STATELIB_BEFORE__')?.value as string | undefined ?? '').split(' ').filter(Boolean));
  return { stdout: normalise(r.stdout), stderr: normalise(r.stderr), status: r.status ?? 128, vars: formatVars(vars, before), files: tree() };
}

function compiledModule(rows: Row[]): string {
  const imports = new Set<string>(['runBlock', 'createShell']);
  const fns = rows.map((row, i) => {
    const parsed = parseBash(row.bash, { file: 'bash' });
    const ctx = createContext({ file: 'bash', source: row.bash });
    let body: string;
    if (!parsed.ast) body = `await sh.at(1).island(${JSON.stringify(row.bash)});`;
    else {
      const t = translateBlock(parsed.ast, ctx);
      t.imports.forEach((n) => imports.add(n));
      body = t.body;
    }
    return `async function row${i}(sh: Shell): Promise<void> {\n${body}\n}`;
  });
  const url = pathToFileURL(path.join(ROOT, 'runtime/index.ts')).href;
  return `import { type Shell, ${[...imports].sort().join(', ')} } from ${JSON.stringify(url)};
import * as __fs from 'node:fs';
${fns.join('\n\n')}
const __rows = [${rows.map((_, i) => `row${i}`).join(', ')}];
const [__i, __dir, __env, __out] = [Number(process.argv[2]), process.argv[3]!, JSON.parse(process.argv[4]!), process.argv[5]!];
const __fo = __fs.openSync(__out + '.out', 'w'), __fe = __fs.openSync(__out + '.err', 'w'), __fi = __fs.openSync('/dev/null', 'r');
const __sh = createShell({ argv: [], env: __env, cwd: __dir, stdin: __fi, stdout: __fo, stderr: __fe, scriptName: 'bash', source: { file: 'bash' } });
const __before = [...__sh.vars.global.keys()];
const __res = await runBlock(__rows[__i]!, __sh);
const __vars: Record<string, { value: unknown; exported: boolean }> = {};
for (const [k, v] of __res.vars) __vars[k] = { value: v instanceof Map ? Object.fromEntries([...v].sort(([a], [b]) => (a < b ? -1 : 1))) : Array.isArray(v) ? v.filter((x) => x !== undefined) : v, exported: __res.exported.has(k) };
__fs.writeFileSync(__out + '.json', JSON.stringify({ status: __res.status, vars: __vars, before: __before, error: __res.error ? String((__res.error as Error).stack ?? __res.error) : undefined }));
`;
}

const results: { row: Row; bash: Outcome; ts: Outcome }[] = [];

test.before(() => {
  execFileSync('bash', ['-c', 'true']); // a missing bash fails here, loudly
  const mod = path.join(ROOT, 'test/runtime', `.statelib-${process.pid}.ts`);
  fs.writeFileSync(mod, compiledModule(ROWS));
  try {
    ROWS.forEach((row, i) => {
      const bash = runBash(row);
      fresh(row, true);
      const outBase = path.join(WORK, `ts${i}`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', mod, String(i), PROJ, JSON.stringify(baseEnv(row.env)), outBase], { cwd: ROOT, encoding: 'utf8' });
      if (!fs.existsSync(outBase + ".json")) throw new Error(`compiled row ${row.name} failed:\n${r.stderr}`);
      if (process.env.STATELIB_DEBUG) console.log(r.stdout, r.stderr, fs.readFileSync(outBase + ".json", "utf8"));
      const j = JSON.parse(fs.readFileSync(outBase + '.json', 'utf8')) as { status: number; vars: Record<string, { value: string | string[] | Record<string, string>; exported: boolean }>; before: string[]; error?: string };
      const stderr = fs.readFileSync(outBase + '.err', 'utf8') + (j.error ? `\n[internal error] ${j.error}` : '');
      const ts: Outcome = {
        stdout: normalise(fs.readFileSync(outBase + '.out', 'utf8')),
        stderr: normalise(stderr),
        status: j.status,
        vars: formatVars(new Map(Object.entries(j.vars)), new Set(j.before)),
        files: tree(),
      };
      results.push({ row, bash, ts });
    });
  } finally {
    fs.rmSync(mod, { force: true });
  }
});

test.after(() => {
  const same = results.filter((r) => JSON.stringify(r.bash) === JSON.stringify(r.ts)).length;
  console.log(`\n  statelib: ${same}/${results.length} rows identical to bash`);
  fs.rmSync(WORK, { recursive: true, force: true });
});

for (let i = 0; i < ROWS.length; i++) {
  test(`bash lib ≡ TS builtins: ${ROWS[i]!.name}`, () => {
    const r = results[i]!;
    const where = `\n--- row\n${r.row.bash}\n`;
    assert.fixture(r.ts.stdout, r.bash.stdout, `stdout${where}`);
    assert.fixture(r.ts.stderr, r.bash.stderr, `stderr${where}`);
    assert.is(r.ts.status, r.bash.status, `status${where}`);
    assert.fixture(r.ts.vars, r.bash.vars, `variables${where}`);
    assert.fixture(r.ts.files, r.bash.files, `files${where}`);
  });
}

test.run();
