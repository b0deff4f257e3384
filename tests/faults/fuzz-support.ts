/**
 * Shared by the hostile-input fuzz files (tests/faults/fuzz-*.test.ts): the run settings (seed and case
 * counts, from the environment), the generators of hostile JSON (huge and odd numbers, zero-width and
 * right-to-left text, deep nesting, duplicated keys written as raw text, prototype-ish keys), a raw HTTP
 * client, snapshots of SQLite tables to prove a fuzz changed nothing, and the tally of answers each target
 * prints. Seeds are fixed so a failure replays: `FUZZ_SEED=<n>` picks another, `FUZZ_RUNS=<factor>` scales
 * every target's count, `ISOLOIR_LONG=1` runs twenty times the CI count with a progress line on stderr.
 */
import { createHash } from 'node:crypto';
import { request, Agent } from 'node:http';
import Database from 'better-sqlite3';
import fc from 'fast-check';

const long = process.env.ISOLOIR_LONG === '1';
const factor = Number(process.env.FUZZ_RUNS ?? (long ? 20 : 1));

/** The seed of every property in a run: fixed by default, so CI replays the same cases. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);

/** A target's case count: its CI count scaled by FUZZ_RUNS (or the long run's factor). */
export const runs = (ciCount: number): number =>
  Math.max(1, Math.round(ciCount * (Number.isFinite(factor) && factor > 0 ? factor : 1)));

/**
 * A test's time limit: it only catches a hang. Cases cost 5 to 40 ms on an idle machine; beside other
 * suites (load 20 on two cores) a target took four times as long, so `msPerCase` allows five times more.
 */
export const timeLimit = (cases: number, msPerCase = 100): number => Math.max(120_000, cases * msPerCase);

/** fast-check's parameters for a target: the run's seed and its count. */
export const fuzzParameters = (numRuns: number): { seed: number; numRuns: number } => ({
  seed: FUZZ_SEED,
  numRuns,
});

// ---------------------------------------------------------------- answers

/** How often each status and error code answered, per target; printed as the run's summary. */
export class AnswerTally {
  readonly statuses = new Map<number, number>();
  readonly codes = new Map<string, number>();
  cases = 0;

  /** `expected`: the cases the target will run, for the long run's progress line. */
  constructor(
    readonly target: string,
    readonly expected = 0,
  ) {}

  note(status: number, code?: string): void {
    this.cases += 1;
    if (long && (this.cases % 50 === 0 || this.cases === this.expected))
      process.stderr.write(`\r${this.target}: ${this.cases}/${this.expected}   `);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (code !== undefined) this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }

  summary(ms: number): string {
    const list = (m: Map<string | number, number>) =>
      [...m.entries()]
        .sort(([a], [b]) => String(a).localeCompare(String(b)))
        .map(([k, n]) => `${k}×${n}`)
        .join(' ');
    return `fuzz ${this.target}: ${this.cases} cases in ${(ms / 1000).toFixed(1)} s (seed ${FUZZ_SEED}) — status ${list(this.statuses)} — codes ${list(this.codes)}`;
  }
}

// ---------------------------------------------------------------- hostile values

/** Characters that look like nothing, reverse the text, or fold oddly in upper case. */
export const oddCharacters = [
  '\u200b', // zero-width space
  '\u200c', // zero-width non-joiner
  '\u200d', // zero-width joiner
  '\u2060', // word joiner
  '\ufeff', // byte order mark
  '\u202e', // right-to-left override
  '\u200f', // right-to-left mark
  '\u061c', // Arabic letter mark
  '\u0000',
  '\u0301', // combining acute accent
  '\ud800', // lone surrogate
  '\udfff',
  'ß', // upper-cases to two letters
  'İ',
  'ﬁ',
  '１', // full-width digit
  '٣', // Arabic-Indic digit
  '\u00a0',
  '\u2028',
  '\n',
  '"',
  '\\',
  '👩‍👩‍👧',
] as const;

/** Keys a naive object walk or `String()` may trip on. */
export const oddKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
  '',
  'kioskId\u200b',
  '\u202ekioskId',
] as const;

/** Numbers at and past the edges of JSON and of safe integers, as raw JSON text. */
export const oddNumberTexts = [
  '1e308',
  '-1e308',
  '1e309', // Infinity once parsed
  '18446744073709551616', // 2^64
  '9007199254740993', // 2^53 + 1
  '-0',
  '0.0',
  '2.0',
  '1e-400',
  '-1',
  '4294967296',
  '1E2',
  '0.5',
] as const;

/** Text no well-formed JSON allows, to sit where a number or a value should be. */
export const notJsonTexts = ['NaN', 'Infinity', '-Infinity', 'undefined', "'x'", '0x10', '+1', '.5', '01'];

export const oddString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...oddCharacters), fc.string({ maxLength: 20 }))
      .map(([a, odd, b]) => a + odd + b),
    fc.constantFrom(...oddCharacters),
    fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)),
  );

/** A JSON text of any shape, as a tree of raw text (numbers may be raw tokens JSON.stringify never writes). */
export const hostileJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false', '0', '{}', '[]', '""'),
    fc.constantFrom(...oddNumberTexts),
    fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : '0')),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
    oddString().map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(oddString(), fc.constantFrom(...oddKeys)), tie('value')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    fc
      .tuple(fc.constantFrom(...oddKeys, 'kioskId', 'payload'), tie('value'), tie('value'))
      .map(([k, a, b]) => `{${JSON.stringify(k)}:${a},${JSON.stringify(k)}:${b}}`),
    fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 1, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  ),
})).value;

/** A body that is not JSON at all, or only nearly. */
export const notJsonBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  fc.constantFrom(...notJsonTexts).map((t) => Buffer.from(t)),
  hostileJsonText.chain((text) =>
    fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => Buffer.from(text.slice(0, cut))),
  ),
  // Invalid UTF-8 inside a string: a lone surrogate encoded, an overlong slash, a stray continuation.
  fc
    .constantFrom([0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80], [0xff, 0xfe])
    .map((bytes) => Buffer.concat([Buffer.from('{"kioskId":"'), Buffer.from(bytes), Buffer.from('"}')])),
);

// ---------------------------------------------------------------- mutations of a JSON document

/** The paths of every value inside `doc` (the root included). */
function pathsOf(doc: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object' && !(doc instanceof RawJson))
    for (const [k, v] of Object.entries(doc)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** One edit of a JSON document, applied to a deep copy. */
export type Mutation =
  | { kind: 'replace'; pick: number; value: string }
  | { kind: 'delete'; pick: number }
  | { kind: 'addKey'; pick: number; key: string; value: string }
  | { kind: 'duplicateItem'; pick: number }
  | { kind: 'swapItems'; pick: number; a: number; b: number }
  | { kind: 'number'; pick: number; text: string }
  | { kind: 'flipBoolean'; pick: number }
  | { kind: 'editString'; pick: number; at: number; insert: string; remove: number }
  | { kind: 'wrap'; pick: number; depth: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileJsonText }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('addKey' as const),
    pick: fc.nat(),
    key: fc.oneof(fc.constantFrom(...oddKeys), oddString()),
    value: hostileJsonText,
  }),
  fc.record({ kind: fc.constant('duplicateItem' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('swapItems' as const), pick: fc.nat(), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('number' as const),
    pick: fc.nat(),
    text: fc.constantFrom(...oddNumberTexts),
  }),
  fc.record({ kind: fc.constant('flipBoolean' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('editString' as const),
    pick: fc.nat(),
    at: fc.nat(),
    insert: fc.oneof(fc.constantFrom(...oddCharacters), fc.string({ maxLength: 3 })),
    remove: fc.nat({ max: 2 }),
  }),
  fc.record({ kind: fc.constant('wrap' as const), pick: fc.nat(), depth: fc.integer({ min: 1, max: 3000 }) }),
);

/**
 * Raw JSON text kept as a leaf through mutations and written as is by `jsonText`: numbers JSON.stringify
 * never writes, and values nested thousands deep (a tree that deep would overflow any recursive walk).
 */
class RawJson {
  constructor(readonly text: string) {}
}

/** A copy of a document whose RawJson leaves stay what they are. */
function copyOf(doc: unknown): unknown {
  if (doc instanceof RawJson) return doc;
  if (Array.isArray(doc)) return doc.map(copyOf);
  if (doc !== null && typeof doc === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc))
      Object.defineProperty(out, k, {
        value: copyOf(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return doc;
}

/** Sets a key as an own property, even `__proto__`, which an assignment would take as the prototype. */
function put(container: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

function childOf(parent: unknown, key: string | number): unknown {
  return (parent as Record<string | number, unknown>)[key];
}

/** Applies `m` to a copy of `doc`; the result may hold raw leaves (write it with `jsonText`). */
export function mutate(doc: unknown, m: Mutation): unknown {
  const root = { value: copyOf(doc) };
  const paths = pathsOf(root.value);
  const path = paths[m.pick % paths.length] ?? [];
  const parentPath = path.slice(0, -1);
  const last = path.length > 0 ? path[path.length - 1] : undefined;
  let parent: unknown = root;
  for (const step of parentPath.length > 0 || last !== undefined ? ['value', ...parentPath] : []) {
    parent = childOf(parent, step);
  }
  const container = (last === undefined ? root : parent) as Record<string | number, unknown>;
  const key = last ?? 'value';
  const target = container[key];
  switch (m.kind) {
    case 'replace':
      put(container, key, new RawJson(m.value));
      break;
    case 'delete':
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else if (last !== undefined) Reflect.deleteProperty(container, key);
      else put(container, key, null);
      break;
    case 'addKey':
      if (
        target !== null &&
        typeof target === 'object' &&
        !Array.isArray(target) &&
        !(target instanceof RawJson)
      )
        Object.defineProperty(target, m.key, {
          value: new RawJson(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else if (Array.isArray(target)) target.push(new RawJson(m.value));
      else
        put(
          container,
          key,
          Object.defineProperty({}, m.key, { value: new RawJson(m.value), enumerable: true }),
        );
      break;
    case 'duplicateItem':
      if (Array.isArray(target) && target.length > 0) target.push(copyOf(target[0]));
      else put(container, key, [target, target]);
      break;
    case 'swapItems':
      if (Array.isArray(target) && target.length > 1) {
        const a = m.a % target.length;
        const b = m.b % target.length;
        [target[a], target[b]] = [target[b], target[a]];
      } else put(container, key, []);
      break;
    case 'number':
      put(container, key, new RawJson(m.text));
      break;
    case 'flipBoolean':
      put(container, key, typeof target === 'boolean' ? !target : target === null ? false : null);
      break;
    case 'editString': {
      const text = typeof target === 'string' ? target : (JSON.stringify(target) ?? '');
      const at = m.at % (text.length + 1);
      put(container, key, text.slice(0, at) + m.insert + text.slice(at + m.remove));
      break;
    }
    case 'wrap':
      put(container, key, new RawJson(`${'['.repeat(m.depth)}${jsonText(target)}${']'.repeat(m.depth)}`));
      break;
  }
  return root.value;
}

/**
 * JSON text of a (mutated) document, written without recursion (it may be thousands deep), raw numbers
 * as they are, and, when `duplicate` names a key present at the top level, that key written twice: first
 * `shadow`, then the real value (which JSON.parse keeps, as the server's parser does).
 */
export function jsonText(doc: unknown, duplicate?: { key: string; shadow: string }): string {
  const out: string[] = [];
  const stack: Array<{ value: unknown } | { text: string }> = [{ value: doc }];
  let top = true;
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (v instanceof RawJson) out.push(v.text);
    else if (Array.isArray(v)) {
      const parts: Array<{ value: unknown } | { text: string }> = [{ text: '[' }];
      v.forEach((x, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ value: x });
      });
      parts.push({ text: ']' });
      stack.push(...parts.reverse());
    } else if (v !== null && typeof v === 'object') {
      const parts: Array<{ value: unknown } | { text: string }> = [{ text: '{' }];
      const entries = Object.entries(v);
      if (top && duplicate && entries.some(([k]) => k === duplicate.key))
        parts.push({ text: `${JSON.stringify(duplicate.key)}:${duplicate.shadow},` });
      entries.forEach(([k, x], i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ text: `${JSON.stringify(k)}:` }, { value: x });
      });
      parts.push({ text: '}' });
      stack.push(...parts.reverse());
    } else out.push(JSON.stringify(v === undefined ? null : v));
    top = false;
  }
  return out.join('');
}

/** `JSON.parse`, or undefined when the text is not JSON (as the server's parser would refuse it). */
export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Structural equality of two parsed JSON values (key order ignored, -0 equal to 0, as JSON reads them). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

// ---------------------------------------------------------------- HTTP

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

export interface RawAnswer {
  status: number;
  body: string;
  json(): unknown;
}

/** One request over a real socket, any bytes as body; an answer the server never sent is an error. */
export function httpRequest(
  origin: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string | number>;
    body?: Buffer | string;
  },
): Promise<RawAnswer> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: options.path,
        method: options.method,
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) as unknown });
        });
        res.on('error', reject);
      },
    );
    // The server may answer 413 and close before reading a large body: the answer is what counts.
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** The `error` code of a wire refusal body, or undefined when the body is not `{error, message}`. */
export function wireErrorOf(answer: RawAnswer): string | undefined {
  const body = parseOrUndefined(answer.body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body).sort();
  const { error, message } = body as { error?: unknown; message?: unknown };
  const shapeOk =
    typeof error === 'string' &&
    typeof message === 'string' &&
    (keys.join() === 'error,message' || keys.join() === 'error,expectedSeq,message');
  return shapeOk ? error : undefined;
}

// ---------------------------------------------------------------- snapshots

/**
 * A digest of each table's rows (sorted, so row order does not matter), read through a second
 * read-only connection as an observer would; `omit` drops columns that legitimately move (a last-seen
 * time), `where` the rows that do (a table's SQL condition). Two equal snapshots mean nothing in these
 * tables changed.
 */
export function tableDigests(
  dbPath: string,
  tables: readonly string[],
  omit: Record<string, readonly string[]> = {},
  where: Record<string, string> = {},
): Record<string, { rows: number; sha256: string }> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, { rows: number; sha256: string }> = {};
    for (const table of tables) {
      const rows = db
        .prepare<[], Record<string, unknown>>(
          `SELECT * FROM ${table}${where[table] ? ` WHERE ${where[table]}` : ''}`,
        )
        .all()
        .map((row) => {
          for (const column of omit[table] ?? []) Reflect.deleteProperty(row, column);
          return JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
        })
        .sort();
      out[table] = {
        rows: rows.length,
        sha256: createHash('sha256').update(rows.join('\n')).digest('hex'),
      };
    }
    return out;
  } finally {
    db.close();
  }
}

/** The tables of a SQLite file, by name. */
export function tableNamesOf(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
  } finally {
    db.close();
  }
}
