/** Test helper process for test/runtime/bash-lib.test.ts: prints resolveOwner().owner (runtime/store/owner.ts). */
import { resolveOwner } from '../../runtime/store/owner.js';

process.stdout.write(resolveOwner().owner + '\n');
