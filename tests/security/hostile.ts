/**
 * fast-check arbitraries for hostile input: strings with the Unicode that breaks naive code,
 * JSON texts with prototype-polluting keys, bodies that are not JSON at all, broken %-escapes,
 * query strings and headers. They produce *texts*, not objects, so that keys such as `__proto__`
 * reach the server literally rather than being eaten by JavaScript on the way out.
 */
import fc from 'fast-check';

/** Code points and sequences that have broken parsers, validators, logs and SQL before. */
export const EDGE_CHARS = [
  '\u0000', // NUL: ends C strings
  '\ud800', // a lone high surrogate
  '\udfff', // a lone low surrogate
  '\u202e', // RIGHT-TO-LEFT OVERRIDE: reverses what a reader sees
  '\u200f', // RIGHT-TO-LEFT MARK
  '\u200b', // ZERO WIDTH SPACE
  '\ufeff', // BYTE ORDER MARK
  '\u2028', // LINE SEPARATOR: ends a line in old JavaScript
  '👩‍👩‍👧‍👦', // a family emoji: one grapheme, 11 code units
  '🏴󠁧󠁢󠁥󠁮󠁧󠁿', // a flag with tag characters
  'é', // e + combining acute
  '\r\n',
  '"',
  '\\',
  "'",
  '%',
  '\u007f',
];

export const HOSTILE_WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE history; --',
  '${7*7}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  '1e400',
  '-0',
  'true',
  '',
  ' ',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n));
const anyCodePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: anyCodePoint },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_CHARS) },
);

/** Any string, short or long, weighted towards the characters that cause trouble. */
export const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_WORDS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', '\u0000', '\ud83d', 'é'), fc.integer({ min: 1_000, max: 20_000 })).map(([c, n]) => c.repeat(n)) },
);

/** A non-empty string of hostile characters, for fields that must be filled in. */
export const hostileText = fc.string({ unit, minLength: 1, maxLength: 300 });

/** Field names of the Merton forms and of the event body, mixed with polluting ones. */
const FIELD_NAMES = ['summary', 'attendees', 'reason', 'outcome', 'meetingDate', 'partner', 'sentOn', 'reference', 'determination', 'type', 'data', 'expectedVersion'];
export const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty') },
  { weight: 3, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 2, arbitrary: hostileString },
);

const numberText = fc.oneof(
  fc.double().map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom('1e400', '-1e400', '-0', '1e-400', '123456789012345678901234567890', '0.1', '9007199254740993', '1E2'),
);

/** JSON texts of any shape, with keys that try to pollute prototypes. */
export const json = fc.letrec<{ value: string; scalar: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('array'), tie('object')),
  scalar: fc.oneof(hostileString.map((s) => JSON.stringify(s)), numberText, fc.constantFrom('true', 'false', 'null')),
  array: fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
  object: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 }).map(objectText),
}));

export function objectText(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** A JSON value nested `depth` levels deep, past the server's limit of 16. */
export const deepJson = fc
  .tuple(fc.integer({ min: 17, max: 4000 }), fc.constantFrom('object', 'array'))
  .map(([depth, kind]) => (kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`));

/** Bodies over the 256 kB limit. */
export const hugeJson = fc
  .constantFrom(300_000, 1_500_000)
  .map((n) => JSON.stringify({ type: 'UNRESOLVED', data: { summary: 'x'.repeat(n), attendees: [] }, expectedVersion: 1 }));

/** Bytes that are not UTF-8 or not JSON: a lone surrogate encoded as UTF-8, a BOM, UTF-16. */
export const RAW_BODIES: Uint8Array[] = [
  Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]), // {"<CESU-8 lone surrogate>":1}
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":{}}')]),
  Buffer.from('{"data":{"summary":"x"}}', 'utf16le'),
  Buffer.from([0xff, 0xfe, 0x00, 0x00]),
  Buffer.from([0x1f, 0x8b, 0x08, 0x00]), // the start of a gzip stream, and nothing else
];

export type Body = string | Uint8Array | undefined;

/** Any body at all: mostly JSON objects (so requests get past the parser), but every other kind too. */
export function bodyOf(shaped: fc.Arbitrary<string>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 3, arbitrary: json.object },
    { weight: 2, arbitrary: json.value },
    { weight: 1, arbitrary: json.value.map((text) => text.slice(0, Math.max(1, Math.floor(text.length / 2)))) },
    { weight: 1, arbitrary: fc.string({ unit, maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: hugeJson },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** An optional JSON member: `undefined` leaves the key out. */
export function member(name: string, value: fc.Arbitrary<string>): fc.Arbitrary<[string, string] | undefined> {
  return fc.option(value.map((v) => [name, v] as [string, string]), { freq: 6, nil: undefined });
}

export function objectOf(members: fc.Arbitrary<[string, string] | undefined>[], extra = true): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.tuple(...members),
      extra ? fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, json.value), { minLength: 1, maxLength: 2 }) }) : fc.constant([]),
    )
    .chain(([known, more]) => {
      const entries = [...known.filter((m) => m !== undefined), ...more];
      // Every member, in any order: a key out of its usual place must not matter either.
      return fc.shuffledSubarray(entries, { minLength: entries.length }).map(objectText);
    });
}

/**
 * A path segment: mostly real ids (so the request reaches deep code), otherwise hostile text
 * percent-encoded the way a browser would, or escapes that do not decode at all.
 */
export function segment(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...real) },
    // Short enough that address and headers stay under Node's 16 kB limit (beyond it Node answers 431 itself, before Express).
    { weight: 3, arbitrary: hostileString.filter((s) => s.length > 0).map(encodeSegment).filter((s) => s.length < 1500) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4', '%ED%A0%80', '%00', '..', '%2e%2e', '%2F', '%C0%AF', 'a%2Fb', '%uD800', ';x=1', '*') },
  );
}

/** encodeURIComponent, except that a lone surrogate becomes its (invalid) 3-byte UTF-8 form instead of an exception. */
export function encodeSegment(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

const QUERY_NAMES = ['process', 'state', 'overdue', 'mine', 'limit', 'cursor', 'from', 'to', 'format'];
const queryValue = fc.oneof(
  { weight: 3, arbitrary: hostileString.map(encodeSegment).filter((s) => s.length < 600) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('true', 'false', '0', '-1', '1', '50', '200', '201', '1e3', '0x10', 'csv', 'json', '2020-02-30', '2020-10-01', '2021-02-29', '9999-12-31', '0000-01-01', '20201001', 'WyJhIiwiYiJd', 'ImFiYyI', 'bnVsbA', '%', '%E0'),
  },
  { weight: 1, arbitrary: fc.integer().map(String) },
);

/** Query strings: known names with wrong values, unknown names, repeated names, broken escapes. */
export const queryString = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_NAMES) }, { weight: 1, arbitrary: hostileString.map(encodeSegment).filter((s) => s.length < 300) }), queryValue), { maxLength: 5 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '&&&', '=', '==&=', 'limit', 'limit=1&limit=2', 'state[]=a&state[]=b', 'process[a]=b', '__proto__[x]=1', 'constructor[prototype][x]=1') },
);

const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 60 }).map((s) => s.trim());
const headerName = fc.oneof(
  fc.constantFrom('x-forwarded-for', 'x-forwarded-host', 'x-http-method-override', 'x-original-url', 'range', 'if-none-match', 'accept-language', 'user-agent', 'referer', 'forwarded'),
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
);

export interface HeaderChoice {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  accept: string | undefined;
  csrf: 'correct' | 'missing' | 'wrong' | 'empty' | 'long';
  origin: 'none' | 'own' | 'other' | 'null' | 'garbage';
  cookie: 'ours' | 'none' | 'mangled' | 'json' | 'garbage';
  extra: [string, string][];
}

/** Header choices, mostly those of a signed-in browser so that requests get past the guards. */
export function headerChoice(options: { csrf?: HeaderChoice['csrf'][]; cookie?: HeaderChoice['cookie'][] } = {}): fc.Arbitrary<HeaderChoice> {
  return fc.record({
    contentType: fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          undefined,
          'application/json; charset=utf-8',
          'application/json; charset=utf-16',
          'application/json; charset=bogus',
          'application/json;;',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/merge-patch+json',
          '*/*',
          '',
        ),
      },
    ),
    contentEncoding: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip') }),
    accept: fc.constantFrom(undefined, 'application/json', 'text/csv', '*/*', 'text/html', 'text/csv;q=0.5, application/json;q=0.6', 'garbage;;;q=x', ''),
    csrf: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(options.csrf ?? ['correct'])) }, { weight: 1, arbitrary: fc.constantFrom('missing', 'wrong', 'empty', 'long') }),
    origin: fc.oneof({ weight: 6, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('own', 'other', 'null', 'garbage') }),
    cookie: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(options.cookie ?? ['ours'])) }, { weight: 1, arbitrary: fc.constantFrom('none', 'mangled', 'json', 'garbage') }),
    extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
  }) as fc.Arbitrary<HeaderChoice>;
}
