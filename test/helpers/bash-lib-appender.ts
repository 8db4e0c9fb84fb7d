/**
 * Test helper process for test/runtime/bash-lib.test.ts: appends N keys `T<worker>_<i>` to one
 * instance through the TS runtime (runtime/store/state.ts), concurrently with bash appenders.
 * Usage: node --import tsx test/helpers/bash-lib-appender.ts <workflow id> <worker> <count>
 */
import { openState } from '../../runtime/store/state.js';

const [id, worker, count] = process.argv.slice(2);
const st = openState(id!);
for (let i = 0; i < Number(count); i++) st.append(`T${worker}_${i}`, `ts ${worker} ${i} $(touch SENTINEL) '\n`);
