/** Temp directories for tests (each test gets its own state dir via CMDC_STATE_DIR). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `cmdc-${tag}-`));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
