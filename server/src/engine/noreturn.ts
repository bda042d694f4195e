// Which calls never return: panic, os.Exit, log.Fatal*/Panic*, runtime.Goexit,
// t.Fatal*/FailNow/Skip*, any logger's Fatal*, functions of the same file
// whose every path ends in one of those (found by a fixed point over the
// file's function declarations), and, through the package model, functions
// of the package's other files that end in an exit call (`fatalf` wrapping
// os.Exit: EXITING_FUNCTIONS).
import type { Node } from 'web-tree-sitter';
import { buildCfg, canReachExit } from './cfg';
import { readImports } from './imports';
import type { FileFactKind } from './package';
import { BUILTIN_FUNCTIONS, PREDECLARED_TYPES, Resolution } from './scope';
import { namedChildren } from './syntax';

const PACKAGE_FUNCTIONS: Record<string, ReadonlySet<string>> = {
  os: new Set(['Exit']),
  log: new Set(['Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln']),
  runtime: new Set(['Goexit']),
  syscall: new Set(['Exit']),
};

/** Method names that end the goroutine whatever the receiver (testing.T/B/F and every common logger). */
const METHODS = new Set(['Fatal', 'Fatalf', 'Fatalln', 'FailNow', 'SkipNow']);
/** Method names that end it only on a testing value. */
const TESTING_METHODS = new Set(['Skip', 'Skipf']);
const TESTING_TYPE = /^\*?testing\.(T|B|F|TB)$/;

/** Words without which a body always reaches its end: the never-returning calls above, endless loops, select {}, goto. */
const ENDS = /\b(panic|Exit|Fatal\w*|Panic\w*|Goexit|FailNow|Skip\w*|for|select|goto)\b/;

/** The calls whose names the exit helpers of other files are found by (a function without one cannot end the program). */
export const EXIT_CALL = /\b(panic|Exit|Fatal\w*|Goexit|FailNow)\s*\(/;

export class NoReturn {
  private readonly localFunctions = new Set<string>();

  /**
   * `elsewhere` tells whether a function of the package declared in another
   * file never returns (asked for calls of names this file does not declare).
   */
  constructor(root: Node, private readonly resolution: Resolution, private readonly elsewhere?: (name: string) => boolean, only?: (fn: Node) => boolean) {
    const declarations = namedChildren(root).filter((n) => n.type === 'function_declaration' && n.childForFieldName('body') && (!only || only(n)));
    // A body can only fail to reach its end through a call that never returns, a loop without exit or a
    // select {} (`for`, `select`), or a goto: one whose text holds none of those words, nor the name of a
    // function found so far, is not built into a graph at all.
    const candidates = declarations.filter((fn) => ENDS.test(fn.childForFieldName('body')!.text));
    let others = declarations.filter((fn) => !candidates.includes(fn));
    for (let changed = true; changed; ) {
      changed = false;
      for (const fn of candidates) {
        const name = fn.childForFieldName('name')!.text;
        if (this.localFunctions.has(name)) continue;
        if (!canReachExit(buildCfg(fn.childForFieldName('body')!, (c) => this.neverReturns(c)))) {
          this.localFunctions.add(name);
          changed = true;
          // Functions that call this one may now never return too.
          const calling = others.filter((other) => new RegExp(`(?<![\\p{L}\\p{N}_])${name}(?![\\p{L}\\p{N}_])`, 'u').test(other.childForFieldName('body')!.text));
          candidates.push(...calling);
          others = others.filter((other) => !calling.includes(other));
        }
      }
    }
  }

  /** The names of the file's functions that never return. */
  get functions(): ReadonlySet<string> {
    return this.localFunctions;
  }

  neverReturns(call: Node): boolean {
    const callee = call.childForFieldName('function');
    if (!callee) return false;
    if (callee.type === 'identifier') {
      const declaration = this.resolution.resolve(callee);
      if (!declaration) return callee.text === 'panic' || (!BUILTIN_FUNCTIONS.has(callee.text) && !PREDECLARED_TYPES.has(callee.text) && !!this.elsewhere?.(callee.text));
      return declaration.kind === 'package' && this.localFunctions.has(callee.text);
    }
    if (callee.type !== 'selector_expression') return false;
    const operand = callee.childForFieldName('operand');
    const name = callee.childForFieldName('field')?.text ?? '';
    if (operand?.type !== 'identifier') return METHODS.has(name);
    const declaration = this.resolution.resolve(operand);
    if (declaration?.kind === 'import') return PACKAGE_FUNCTIONS[declaration.importPath!]?.has(name) ?? false;
    if (METHODS.has(name)) return true;
    return TESTING_METHODS.has(name) && !!declaration && isTestingValue(declaration.node);
  }
}

function isTestingValue(identifier: Node): boolean {
  const type = identifier.parent?.childForFieldName('type');
  return !!type && TESTING_TYPE.test(type.text.replace(/\s+/g, ''));
}


/**
 * The functions of a Go text that may end in an exit call, found from the
 * text alone: for each exit call, the top-level function (at the start of a
 * line, as gofmt writes it; not a method) whose body it is in. A superset
 * for gofmt'd code, checked by EXITING_FUNCTIONS before a call counts.
 */
export function exitCandidates(text: string): { packageName: string; names: string[] } {
  const names = new Set<string>();
  const calls = new RegExp(EXIT_CALL.source, 'g');
  for (let match = calls.exec(text); match; match = calls.exec(text)) {
    const start = text.lastIndexOf('\nfunc ', match.index);
    const name = start < 0 ? null : /^\nfunc\s+(\w+)/.exec(text.slice(start, start + 200));
    if (name) names.add(name[1]);
  }
  return { packageName: /^package\s+(\w+)/m.exec(text)?.[1] ?? '', names: [...names] };
}

export interface ExitingFunctions {
  packageName: string;
  /** The file's functions (not methods) whose every path ends the goroutine or the program. */
  functions: string[];
}

/**
 * Per file: its functions that never return and hold an exit call
 * (`func fatalf(...) { log.Printf(...); os.Exit(1) }`), for calls from the
 * package's other files. Only those functions (and the imports) are parsed;
 * a helper that only calls another helper, or ends in an endless loop, is
 * known in its own file alone.
 */
export const EXITING_FUNCTIONS: FileFactKind<ExitingFunctions> = {
  key: 'noreturn.exiting',
  reads: (keyword, text) => keyword === 'import' || (keyword === 'func' && !/^func\s*\(/.test(text) && EXIT_CALL.test(text)),
  compute(root, _path, _text, own) {
    const packageName = namedChildren(root).find((n) => n.type === 'package_clause')?.namedChild(0)?.text ?? '';
    // The same functions from a whole tree (the linted file's own) as from the partial parse: those with an exit call.
    const resolution = own?.resolution ?? new Resolution(root, readImports(root));
    const functions = new NoReturn(root, resolution, undefined, (fn) => EXIT_CALL.test(fn.text)).functions;
    return { packageName, functions: [...functions] };
  },
};
