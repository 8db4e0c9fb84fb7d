/**
 * Test child process: appends `count` keys K_<proc>_<i> (values from state-values.ts) to one
 * instance, each append a separate record.   node state-appender.mjs <id> <proc> <count>
 */
import { openState } from '../../runtime/store/state.js';
import { appenderValue } from './state-values.js';

const [id, proc, count] = process.argv.slice(2) as [string, string, string];
const s = openState(id);
for (let i = 0; i < Number(count); i++) s.append(`K_${proc}_${i}`, appenderValue(Number(proc), i));
