// Hostile inputs for the linter, generated from a seed: shapes that once took
// superlinear time or overflowed the stack (deep nesting, long chains, many
// cancels), long lines, and mutations of real Go text (truncation, random
// bytes, NUL, invalid UTF-8, lone surrogates, BOM, CRLF and lone CR line
// breaks). Shared by the hostile-input test (a few hundred) and
// `npm run fuzz` (ten thousand).

export interface HostileInput {
  /** What the input is, to reproduce it: the generator and its parameters. */
  name: string;
  text: string;
}

/** A small, fast, seeded generator (mulberry32): the same seed gives the same inputs everywhere. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = 'package p\n\nimport "context"\n\n';

/** Shapes that grow with `n`: each is valid Go (or close to it) and stresses one way of walking a function. */
export const SHAPES: Readonly<Record<string, (n: number) => string>> = {
  // Nested loops, each deriving a context: loops inside loops, cancels deferred in loops.
  nestedLoopsWithCancel: (n) =>
    `${HEADER}func f(parent context.Context) {\n${'for {\nctx, cancel := context.WithCancel(parent)\ndefer cancel()\n_ = ctx\n'.repeat(n)}${'}\n'.repeat(n)}}\n`,
  // A loop nest with one cancel at the bottom: the control-flow graph of the deepest nesting.
  deepLoops: (n) => `${HEADER}func f(parent context.Context) {\n${'for {\n'.repeat(n)}ctx, cancel := context.WithCancel(parent)\n_, _ = ctx, cancel\n${'}\n'.repeat(n)}}\n`,
  nestedLiterals: (n) => `${HEADER}func f(parent context.Context) {\n${'go func() {\nctx, cancel := context.WithCancel(parent)\n_ = ctx\n'.repeat(n)}${'cancel()\n}()\n'.repeat(n)}}\n`,
  callChain: (n) => `package p\n\nfunc f(x *T) {\nx${'.A(func() {})'.repeat(n)}\n}\n`,
  manyCancels: (n) => `${HEADER}func f(parent context.Context) {\n${'ctx, cancel := context.WithCancel(parent)\n_ = ctx\ncancel()\n'.repeat(n)}}\n`,
  deepIf: (n) => `${HEADER}func f(parent context.Context, c chan int) {\nctx, cancel := context.WithCancel(parent)\n${'if x := <-c; x > 0 {\n'.repeat(n)}cancel()\n${'}\n'.repeat(n)}_ = ctx\n}\n`,
  deepElse: (n) => `${HEADER}func f(parent context.Context, x int) {\nctx, cancel := context.WithCancel(parent)\n${'if x > 0 {\nreturn\n} else '.repeat(n)}{\ncancel()\n}\n_ = ctx\n}\n`,
  deepSwitch: (n) => `${HEADER}func f(parent context.Context, x int) {\nctx, cancel := context.WithCancel(parent)\n${'switch x {\ncase 1:\n'.repeat(n)}return\n${'}\n'.repeat(n)}cancel()\n_ = ctx\n}\n`,
  deepSelect: (n) => `package p\n\nfunc f(c chan int) {\n${'select {\ncase <-c:\n'.repeat(n)}${'}\n'.repeat(n)}}\n`,
  deepBlocks: (n) => `${HEADER}func f(parent context.Context) {\nctx, cancel := context.WithCancel(parent)\n${'{\n'.repeat(n)}defer cancel()\n${'}\n'.repeat(n)}_ = ctx\n}\n`,
  deepParens: (n) => `package p\n\nfunc f() int {\nreturn ${'('.repeat(n)}1${')'.repeat(n)}\n}\n`,
  deepGoroutines: (n) => `package p\n\nfunc f(c chan int) {\n${'go func() {\nc <- 1\n'.repeat(n)}${'}()\n'.repeat(n)}}\n`,
  deepRangeSpawns: (n) => `package p\n\nfunc f(xs []int, c chan int) {\n${'for range xs {\ngo func() { c <- 1 }()\n'.repeat(n)}${'}\n'.repeat(n)}}\n`,
  longLine: (n) => `package p\n\nvar s = "${'x'.repeat(n * 40)}"\n\nfunc f() int { return 1${' + 1'.repeat(n * 4)} }\n`,
  manyFunctions: (n) =>
    `${HEADER}${Array.from({ length: n }, (_, i) => `func f${i}(parent context.Context) {\n\tctx, cancel := context.WithTimeout(parent, 1)\n\tgo func() { <-ctx.Done() }()\n\t_ = cancel\n}\n`).join('\n')}`,
};

/** Mutations of a real Go text. */
const MUTATIONS: Readonly<Record<string, (text: string, next: () => number) => string>> = {
  truncate: (t, r) => t.slice(0, Math.floor(r() * t.length)),
  deleteRange: (t, r) => {
    const a = Math.floor(r() * t.length);
    return t.slice(0, a) + t.slice(a + Math.floor(r() * 200));
  },
  duplicateRange: (t, r) => {
    const a = Math.floor(r() * t.length);
    const b = a + Math.floor(r() * 400);
    return t.slice(0, b) + t.slice(a, b) + t.slice(b);
  },
  randomChars: (t, r) => insertAt(t, r, Array.from({ length: 1 + Math.floor(r() * 20) }, () => String.fromCharCode(Math.floor(r() * 0x3000))).join('')),
  punctuation: (t, r) => insertAt(t, r, Array.from({ length: 1 + Math.floor(r() * 8) }, () => '{}()[];:=<-"`/*'[Math.floor(r() * 15)]).join('')),
  nul: (t, r) => insertAt(t, r, '\0'.repeat(1 + Math.floor(r() * 3))),
  // What the CLI reads from a file of invalid UTF-8 (each bad byte becomes U+FFFD).
  invalidUtf8: (t, r) => insertAt(t, r, Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]).toString('utf8')),
  // What an editor can send: half of a surrogate pair.
  loneSurrogate: (t, r) => insertAt(t, r, r() < 0.5 ? '\ud83d' : '\ude00'),
  emoji: (t, r) => insertAt(t, r, '😀'),
  bom: (t) => `\ufeff${t}`,
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  loneCr: (t) => t.replace(/\n/g, '\r'),
  mixedBreaks: (t, r) => t.replace(/\n/g, () => ['\n', '\r\n', '\r'][Math.floor(r() * 3)]),
};

function insertAt(text: string, next: () => number, inserted: string): string {
  const at = Math.floor(next() * (text.length + 1));
  return text.slice(0, at) + inserted + text.slice(at);
}

/**
 * `count` inputs from `seed`: about a third shapes (nesting up to
 * `maxDepth`), the rest one to three mutations of one of `seeds`.
 */
export function* hostileInputs(seed: number, count: number, seeds: readonly string[], maxDepth = 3000): Generator<HostileInput> {
  const next = random(seed);
  const shapes = Object.keys(SHAPES);
  const mutations = Object.keys(MUTATIONS);
  for (let i = 0; i < count; i++) {
    if (seeds.length === 0 || next() < 0.33) {
      const shape = shapes[Math.floor(next() * shapes.length)];
      // Sizes spread over three orders of magnitude, so the time per megabyte compares small and large.
      const n = Math.max(1, Math.floor(maxDepth ** next()));
      yield { name: `${shape}(${n})`, text: SHAPES[shape](n) };
      continue;
    }
    const from = Math.floor(next() * seeds.length);
    let text = seeds[from];
    const applied: string[] = [];
    for (let m = 1 + Math.floor(next() * 3); m > 0; m--) {
      const mutation = mutations[Math.floor(next() * mutations.length)];
      text = MUTATIONS[mutation](text, next);
      applied.push(mutation);
    }
    yield { name: `seed ${from} + ${applied.join(' + ')}`, text };
  }
}
