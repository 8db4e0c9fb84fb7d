/** Test helper process for test/runtime/bash-lib.test.ts: prints resolveOwner().owner (runtime/owner.ts). */
import { resolveOwner } from '../../runtime/owner.js';

process.stdout.write(resolveOwner().owner + '\n');
