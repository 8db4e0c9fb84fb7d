/**
 * The `cmdc` command line: one subcommand per file in cli/, loaded lazily so that
 * `cmdc state list` does not pay for ts-morph. An error no subcommand handled is printed as one
 * line with its cause and fix and a distinct exit status, never as a stack trace.
 */
import { Command } from 'commander';
import { debugEnabled, formatReport } from '../runtime/store/report.js';

const program = new Command('cmdc')
  .description('Compile Claude Code slash commands (.md with bash blocks) into TypeScript, and manage their state')
  .showHelpAfterError();

const subcommands: Record<string, () => Promise<{ register(p: Command): void }>> = {
  state: () => import('./state.js'),
  errors: () => import('./errors.js'),
  compile: () => import('./compile.js'),
  check: () => import('./check.js'),
  watch: () => import('./watch.js'),
  build: () => import('./build.js'),
  run: () => import('./run.js'),
  list: () => import('./run.js'),
  lint: () => import('./lint.js'),
  validate: () => import('./validate.js'),
  eject: () => import('./eject.js'),
};

const name = process.argv[2];
const load = name !== undefined ? subcommands[name] : undefined;
try {
  if (load) {
    (await load()).register(program);
  } else {
    for (const l of Object.values(subcommands)) (await l()).register(program);
  }
  await program.parseAsync(process.argv);
} catch (e) {
  // Never a raw stack trace: one line naming the file and the cause, the fix, a distinct exit
  // status (runtime/store/report.ts); internal errors exit 70, the trace only with CMDC_DEBUG=1.
  const r = formatReport(`cmdc${load ? ` ${name}` : ''}: `, e, debugEnabled());
  process.stderr.write(r.text);
  process.exitCode = r.exitCode;
}
