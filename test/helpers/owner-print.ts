/** Test child process: prints resolveOwner() as JSON (owner, source, detail). */
import { resolveOwner } from '../../runtime/store/owner.js';

process.stdout.write(JSON.stringify(resolveOwner()) + '\n');
