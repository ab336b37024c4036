/**
 * Deterministic generator of bad JSON bodies for the fuzz test of the knot
 * plugin's routes (jsonBodyFuzz.test.ts). Bodies are written as raw text,
 * not with JSON.stringify, so that they can carry what JavaScript objects
 * cannot: `__proto__` as an own key, duplicate keys, numbers out of range,
 * lone surrogates and text that is no JSON at all.
 */

/** A JSON object as written: keys in order, duplicates and `__proto__` kept. */
export class Obj {
  constructor(readonly entries: Array<[string, Json]>) {}
}

/** Text put into the body as it is (a number out of range, say). */
export class Raw {
  constructor(readonly text: string) {}
}

export type Json = null | boolean | number | string | Raw | Obj | Json[];

export function write(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj) {
    return `{${value.entries
      .map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`)
      .join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  return JSON.stringify(value);
}

export const NUMBERS: readonly number[] = [
  0,
  -1,
  1,
  1.5,
  -0.000001,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** Valid JSON numbers JavaScript cannot hold exactly, or at all. */
export const RAW_NUMBERS: readonly string[] = [
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '123456789012345678901234567890',
  '0.1e1',
];

export const HUGE_STRINGS: readonly string[] = [
  'a'.repeat(256),
  'a'.repeat(4096),
  'ü'.repeat(20_000),
  `${'../'.repeat(2000)}etc/passwd`,
];

/** Keys that reach prototypes, or shadow what code calls on objects. */
export const TRICKY_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'then',
  'length',
  '',
];

/** Values of the wrong type for any field (every one of them). */
export const WRONG_TYPES: readonly Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  ...NUMBERS.slice(5),
  ...RAW_NUMBERS.map(t => new Raw(t)),
  [],
  [1, 2],
  ['alice'],
  [new Obj([['path', 'x']])],
  new Obj([]),
  new Obj([['a', 1]]),
  new Obj([['__proto__', new Obj([['admin', true]])]]),
  new Obj([['constructor', new Obj([['prototype', new Obj([['x', 1]])]])]]),
  nested(50),
];

/** Strings that are no user or team name (pattern, length, reserved). */
export const BAD_NAMES: readonly string[] = [
  '',
  ' ',
  'Alice',
  'alice ',
  ' alice',
  'a b',
  'a_b',
  'a.b',
  '-a',
  'a-',
  '../alice',
  'alice/../bob',
  '..',
  '.',
  '/',
  'ü',
  'jürgen',
  '😀',
  'a\u0000b',
  'alice\n',
  '\u202ealice',
  'kube-system',
  'system:admin',
  'x'.repeat(64),
  'x'.repeat(4096),
];

/** Strings that are no path inside a folder. */
export const BAD_PATHS: readonly string[] = [
  '',
  '/',
  '.',
  '..',
  '../x',
  '../../etc/passwd',
  '/etc/passwd',
  'a/../../x',
  'a/./../../x',
  '..\\x',
  'C:\\Windows',
  'a\u0000b',
  '\u0000',
  `${'x'.repeat(300)}`,
  `a/${'x'.repeat(300)}`,
  `${'ä'.repeat(200)}`,
  `${'d/'.repeat(2000)}x`,
];

/** `[[[…]]]`, `depth` deep. */
export function nested(depth: number): Json {
  let value: Json = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Text that is no JSON, or JSON that body parsers refuse. */
export const INVALID_JSON: readonly string[] = [
  '{',
  '}',
  '{"a":}',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '[1,2',
  'nul',
  'undefined',
  'NaN',
  'Infinity',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":01}',
  '{"a":0x10}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"\n"}',
  '\u0000',
  '\ufeff{}',
  '/* comment */ {}',
  '{"a":1} {"b":2}',
  '"just a string"',
  '42',
  'null',
  'true',
  '[',
  '{"__proto__":',
  '{'.repeat(5000),
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
];

export class Fuzz {
  constructor(readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Random text: ASCII, accents, emoji, controls, RTL marks, lone surrogates. */
  text(max = 24): string {
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz0123456789-',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ _.~!@#$%^&*()+=[]{}|;:,<>?',
      'äöüßéèçñåøæœ',
      '😀🚀👩‍💻🏳️‍🌈',
      '\u0000\u0001\u0007\b\t\n\r\u001b\u007f',
      '\u202e\u200b\ufeff\u2028\u2029',
      '\ud800\udfff',
      '/\\..%',
    ];
    let out = '';
    const length = this.int(max + 1);
    for (let i = 0; i < length; i++) {
      out += this.pick([...this.pick(alphabets)]);
    }
    return out;
  }

  /** Any JSON value, objects with tricky keys included. */
  json(depth = 3): Json {
    const kind = this.int(depth > 0 ? 10 : 7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.pick(NUMBERS);
      case 3:
      case 4:
        return this.text();
      case 5:
        return this.pick(HUGE_STRINGS);
      case 6:
        return new Raw(this.pick(RAW_NUMBERS));
      case 7:
      case 8:
        return new Obj(
          Array.from({ length: this.int(4) }, () => [
            this.random() < 0.4 ? this.pick(TRICKY_KEYS) : this.text(8),
            this.json(depth - 1),
          ]),
        );
      default:
        return Array.from({ length: this.int(4) }, () => this.json(depth - 1));
    }
  }
}
