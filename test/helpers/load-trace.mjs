/**
 * `node --import <this file>`: appends the URL of every module the process resolves (ESM
 * resolve hook, including dynamic imports and what tsx's own hooks see) to the file named by
 * CMDC_LOAD_TRACE, one a line. Tests use it to prove what a path does not load (the `cmdc run`
 * cache hit: neither tsx nor the compiler).
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.CMDC_LOAD_TRACE) appendFileSync(process.env.CMDC_LOAD_TRACE, `${r.url}\n`);
  return r;
}

// the hooks run in their own thread, which loads this file again: register only from the main one
if (isMainThread) register(import.meta.url);
