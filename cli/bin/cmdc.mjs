#!/usr/bin/env node
// `cmdc` executable: loads the TypeScript CLI through tsx's ESM loader (no build step).
import { register } from 'tsx/esm/api';

// SIGUSR1 must never open Node's debugger: bash's default (end, 138) until the runtime's guard
// (runtime/shell/debugger-guard.ts) takes over
const early = () => process.exit(128 + 10);
process.on('SIGUSR1', early);
register();
await import('../../runtime/shell/debugger-guard.ts');
process.off('SIGUSR1', early);
await import('../main.ts');
