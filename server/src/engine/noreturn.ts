// Which calls never return: panic, os.Exit, log.Fatal*/Panic*, runtime.Goexit,
// t.Fatal*/FailNow/Skip*, any logger's Fatal*, and functions of the same file
// whose every path ends in one of those (found by a fixed point over the
// file's function declarations).
import type { Node } from 'web-tree-sitter';
import { buildCfg, canReachExit } from './cfg';
import type { Resolution } from './scope';
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

export class NoReturn {
  private readonly localFunctions = new Set<string>();

  constructor(root: Node, private readonly resolution: Resolution) {
    const declarations = namedChildren(root).filter((n) => n.type === 'function_declaration' && n.childForFieldName('body'));
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
      if (!declaration) return callee.text === 'panic';
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
