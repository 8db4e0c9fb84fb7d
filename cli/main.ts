/**
 * The `cmdc` command line: one subcommand per file in cli/, loaded lazily so that
 * `cmdc state list` does not pay for ts-morph.
 */
import { Command } from 'commander';

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
};

const name = process.argv[2];
const load = name !== undefined ? subcommands[name] : undefined;
if (load) {
  (await load()).register(program);
} else {
  for (const l of Object.values(subcommands)) (await l()).register(program);
}
await program.parseAsync(process.argv);
