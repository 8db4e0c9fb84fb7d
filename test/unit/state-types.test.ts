/**
 * Typed state values (runtime/lang/state-types.ts): each kind's read and write rules, the
 * round trip both ways, and the values refused with a StateTypeError naming the key.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readTyped, readTypedState, StateTypeError, writeTyped, writeTypedState, type StateKind } from '../../runtime/lang/state-types.js';

/** [kind, raw state value, typed value] — read(raw) = typed and write(typed) = raw. */
const ROUND: [StateKind | undefined, string | string[], unknown][] = [
  ['integer', '0', 0],
  ['integer', '42', 42],
  ['integer', '-7', -7],
  ['integer', '9007199254740991', 9007199254740991],
  ['array', ['a', 'b c', ''], ['a', 'b c', '']],
  ['array', [], []],
  ['json', '{"a":[1,true,null]}', { a: [1, true, null] }],
  ['json', '"x"', 'x'],
  ['json', '3', 3],
  ['string', '', ''],
  ['string', "it's $(not run)\n", "it's $(not run)\n"],
  [undefined, 'plain', 'plain'],
  [undefined, ['x', 'y'], ['x', 'y']],
];

test('round trip: read(raw) is the typed value and write(typed) gives the raw value back', () => {
  for (const [kind, raw, typed] of ROUND) {
    assert.equal(readTyped('K', kind, raw), typed, `${kind} read ${JSON.stringify(raw)}`);
    assert.equal(writeTyped('K', kind, typed), raw, `${kind} write ${JSON.stringify(typed)}`);
  }
});

test('bash\'s views across shapes: a scalar is a one-element array, an array\'s scalar value its element 0', () => {
  assert.equal(readTyped('A', 'array', 'one'), ['one']);
  assert.is(readTyped('S', 'string', ['first', 'second']), 'first');
  assert.is(readTyped('N', 'integer', ['5']), 5);
  assert.equal(writeTyped('A', 'array', 'one'), ['one']);
});

test('values that do not fit their kind are refused, naming the key', () => {
  const bad: [StateKind | undefined, 'read' | 'write', unknown][] = [
    ['integer', 'read', '007'],
    ['integer', 'read', '+3'],
    ['integer', 'read', ' 3'],
    ['integer', 'read', ''],
    ['integer', 'read', '3.0'],
    ['integer', 'read', '99999999999999999999'],
    ['json', 'read', '{bad'],
    ['integer', 'write', 1.5],
    ['integer', 'write', '3'],
    ['integer', 'write', Number.MAX_SAFE_INTEGER + 1],
    ['string', 'write', 3],
    ['array', 'write', [1]],
    [undefined, 'write', { a: 1 }],
    ['json', 'write', undefined],
  ];
  for (const [kind, way, value] of bad) {
    assert.throws(
      () => (way === 'read' ? readTyped('KEY', kind, value as string) : writeTyped('KEY', kind, value)),
      (e: unknown) => e instanceof StateTypeError && /^state key KEY/.test(e.message),
      `${kind} ${way} ${JSON.stringify(value)}`,
    );
  }
});

test('whole states: kinds by key, keys without one as stored, undefined left out', () => {
  const kinds = { N: 'integer', J: 'json', A: 'array' } as const;
  const typed = readTypedState({ vars: { N: '3', J: '[1]', S: 's' }, arrays: { A: ['x'], B: ['y', 'z'] } }, kinds);
  assert.equal({ ...typed }, { N: 3, J: [1], S: 's', A: ['x'], B: ['y', 'z'] });
  assert.equal(writeTypedState({ N: 3, J: [1], S: 's', A: ['x'], U: undefined }, kinds), { N: '3', J: '[1]', S: 's', A: ['x'] });
});

test.run();
