#!/usr/bin/env node
// Test driver: runs every test/**/*.test.ts file with uvu under tsx, one process per
// file (isolation: concurrency suites start real processes and must not share state),
// streams their output, and ends with the summary line "N passed, N failed".
// Usage: node test/run.mjs [filter...]   (filters match against the file path)
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'fixtures' || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = walk(join(root, 'test')).filter(
  (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
);

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code, signal) => resolve({ file, code, signal, out }));
  });
}

// Tests never write into the repository: the symlinks git tracks (.claude/lib/* -> runtime/lib)
// must still be symlinks after every file; a file that replaces one fails, named.
const trackedLinks = (spawnSync('git', ['ls-files', '-s'], { cwd: root, encoding: 'utf8' }).stdout ?? '')
  .split('\n').filter((l) => l.startsWith('120000 ')).map((l) => l.slice(l.indexOf('\t') + 1));
const brokenLinks = () => trackedLinks.filter((f) => {
  try {
    return !lstatSync(join(root, f)).isSymbolicLink();
  } catch {
    return true;
  }
});
const alreadyBroken = new Set(brokenLinks());

let passed = 0;
let failed = 0;
let skipped = 0;
const started = Date.now();
// Two at a time: the machine has 2 cores; the heavy suites spawn their own processes.
const queue = [...files];
const jobs = Math.max(1, Number(process.env.CMDC_TEST_JOBS ?? 2));
async function worker() {
  while (queue.length) {
    const file = queue.shift();
    const t0 = Date.now();
    const r = await runFile(file);
    const rel = relative(root, r.file);
    const total = Number(/Total:\s+(\d+)/.exec(r.out)?.[1] ?? NaN);
    const ok = Number(/Passed:\s+(\d+)/.exec(r.out)?.[1] ?? NaN);
    const sk = Number(/Skipped:\s+(\d+)/.exec(r.out)?.[1] ?? 0);
    let fileFailed;
    if (Number.isNaN(total) || Number.isNaN(ok)) {
      // The file crashed before uvu could report: count it as one failure.
      fileFailed = 1;
    } else {
      passed += ok;
      skipped += sk;
      fileFailed = total - ok - sk;
      if (fileFailed === 0 && r.code !== 0) fileFailed = 1;
    }
    const replaced = brokenLinks().filter((f) => !alreadyBroken.has(f));
    for (const f of replaced) alreadyBroken.add(f);
    if (replaced.length) {
      r.out += `\n  FAIL  this file (or the one running beside it) replaced symlinks of the repository: ${replaced.join(', ')}` +
        `\n        (a test must write into a temp dir, never into the checkout; restore with git checkout -- ${replaced.join(' ')})\n`;
      fileFailed += 1;
    }
    failed += fileFailed;
    const status = fileFailed ? 'FAIL' : 'ok  ';
    process.stdout.write(`\n=== ${status} ${rel} (${Date.now() - t0} ms)\n`);
    process.stdout.write(r.out.trimEnd() + '\n');
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
if (files.length === 0) failed += 1;
console.log(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
