#!/usr/bin/env node
// `cmdc` executable: loads the TypeScript CLI through tsx's ESM loader (no build step). The one
// exception is `cmdc run <name>` whose compiled bundle is already in the project's cache
// (cli/run-hit.mjs): it runs with bare node, neither tsx nor the compiler loaded.

// SIGUSR1 must never open Node's debugger: bash's default (end, 138) until the runtime's guard
// (runtime/shell/debugger-guard.ts) takes over
const early = () => process.exit(128 + 10);
process.on('SIGUSR1', early);
if (process.argv[2] === 'run') {
  const { tryRunCached } = await import('../run-hit.mjs');
  // the bundle holds the runtime, whose first import is the debugger guard
  const loaded = () => process.off('SIGUSR1', early);
  if (!(await tryRunCached(process.argv.slice(3), process.cwd(), loaded))) {
    await startTsx();
    const { runCli } = await import('../run.ts');
    await runCli(process.argv.slice(3));
  }
} else {
  await startTsx();
  await import('../main.ts');
}

async function startTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../../runtime/shell/debugger-guard.ts');
  process.off('SIGUSR1', early);
}
