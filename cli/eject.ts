/**
 * `cmdc eject <command> --block N [--dry-run]`: rewrite one bash block of a command .md in place
 * as a ```` ```ts cmdc ```` block (compiler/ts-blocks/eject.ts: the typed tier's TypeScript, the
 * exact tier's `sh.*` form per statement where the typed tier does not apply), atomically; the
 * rest of the file stays byte-identical. `--dry-run` prints the change as a unified diff and
 * writes nothing. `<command>` is a .md path or a name under commands/ (`implement`). The block is
 * named as `--block` names it: a number (the N-th block), `#N`, or a label (`1b`, a heading).
 * Then `cmdc compile` (or `cmdc check`) regenerates and type-checks the module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve, sep, posix } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { blocksOf, ejectBlock, regionDiff } from '../compiler/ts-blocks/eject.js';
import { blockNames } from '../compiler/emit.js';
import { selectBlock } from '../runtime/runner/select-block.js';
import type { CommandModule } from '../runtime/command.js';

export interface EjectCliOptions {
  block?: string;
  dryRun?: boolean;
}

/** The .md a command argument names: a path, else `commands/<name>.md`. */
function resolveCommand(arg: string, root: string): string | null {
  for (const p of [arg, `commands/${arg}.md`, `.claude/commands/${arg}.md`, `.claude/skills/${arg}/SKILL.md`]) {
    const abs = resolve(root, p);
    if (existsSync(abs) && abs.toLowerCase().endsWith('.md')) return abs;
  }
  return null;
}

export async function runEject(name: string, opts: EjectCliOptions): Promise<number> {
  const root = process.cwd();
  const abs = resolveCommand(name, root);
  if (!abs) {
    process.stderr.write(`cmdc eject: no command file for '${name}' (give a .md path or a name under commands/)\n`);
    return 2;
  }
  if (opts.block === undefined) {
    process.stderr.write('cmdc eject: --block N is required (a number, #N or a label, as --block takes it)\n');
    return 2;
  }
  const file = relative(root, abs).split(sep).join(posix.sep);
  const text = readFileSync(abs, 'utf8');
  // the block as `--block` would choose it among the file's blocks
  const blocks = blocksOf(text, file);
  const names = blockNames(blocks.map((b) => b.heading));
  const pseudo = {
    name: '', source: file, frontmatter: {},
    steps: blocks.map((b, i) => ({ kind: 'bash' as const, name: names[i]!, heading: b.heading ?? '', line: b.line, endLine: b.endLine, run: async () => {} })),
  } satisfies CommandModule<unknown>;
  const choice = selectBlock(pseudo, opts.block);
  if ('error' in choice) {
    process.stderr.write(`cmdc eject: ${file}: ${choice.error}\n`);
    return 2;
  }
  const r = ejectBlock(text, file, choice.index + 1, { root });
  if ('error' in r) {
    process.stderr.write(`cmdc eject: ${r.error}\n`);
    return 1;
  }
  if (opts.dryRun) {
    process.stdout.write(regionDiff(file, text, r.text));
    return 0;
  }
  await writeFileAtomic(abs, r.text, { fsync: true });
  process.stderr.write(`cmdc eject: ${file}:${r.fenceLine}: block #${r.ordinal}${r.heading ? ` (${r.heading})` : ''} is now a ts block; run cmdc compile\n`);
  return 0;
}

export function register(program: Command): void {
  program
    .command('eject')
    .description('Rewrite one bash block of a command .md in place as a ```ts cmdc block (TypeScript from the typed tier)')
    .argument('<command>', '.md path or command name (commands/<name>.md)')
    .option('-b, --block <n>', 'the block: a number (N-th block), #N, or a label such as 1b')
    .option('-n, --dry-run', 'print the change as a unified diff; write nothing')
    .addHelpText('after', '\nExamples:\n  cmdc eject implement --block 1b --dry-run\n  cmdc eject commands/implement.md --block 2')
    .action(async (name: string, opts: EjectCliOptions) => {
      process.exitCode = await runEject(name, opts);
    });
}
