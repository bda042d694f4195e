// Engine tests: identifier resolution, import aliases, control flow and
// never-returning calls, on small Go sources.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { blockingOperations } from '../server/src/engine/blocking';
import { canReachExit, type CfgNode, type ControlFlowGraph } from '../server/src/engine/cfg';
import { contextInScope } from '../server/src/engine/context';
import { GoFile } from '../server/src/engine/file';
import { walk } from '../server/src/engine/syntax';
import { sharedAnalyzer } from './support/analyzer';

async function parse(text: string): Promise<GoFile> {
  const analyzer = await sharedAnalyzer();
  return new GoFile('/tmp/engine_test.go', text, analyzer.parser.parse(text));
}

/** The n-th (0-based) node of `type` whose text is `text`. */
function find(file: GoFile, type: string, text: string, n = 0): Node {
  const found: Node[] = [];
  walk(file.root, (node) => {
    if (node.type === type && node.text === text) found.push(node);
  });
  assert.ok(found[n], `no ${type} "${text}" #${n}`);
  return found[n];
}

function lineOf(node: Node | null | undefined): number | undefined {
  return node ? node.startPosition.row + 1 : undefined;
}

describe('scopes', () => {
  test('the blocking operations of three thousand nested loops are found without overflowing the stack', async () => {
    const depth = 3000;
    const file = await parse(`package p\n\nfunc f(ch chan int) {\n${'for {\n'.repeat(depth)}\t<-ch\n${'}\n'.repeat(depth)}}\n`);
    const loop = file.root.descendantForIndex(file.text.indexOf('for {'))!.parent!;
    assert.equal(loop.type, 'for_statement');
    const body = loop.childForFieldName('body')!;
    assert.deepEqual(blockingOperations(file, body).map((b) => b.description), ['a channel receive']);
  });

  test('identifier resolution walks three thousand nested blocks without overflowing the stack', async () => {
    const depth = 3000;
    const file = await parse(`package p\n\nfunc f(n int) {\n${'for {\n'.repeat(depth)}\t_ = n\n${'}\n'.repeat(depth)}}\n`);
    const use = file.root.descendantForIndex(file.text.indexOf('_ = n') + 4);
    assert.equal(use?.text, 'n');
    assert.equal(lineOf(file.resolution.resolve(use!)?.node), 3);
  });

  test('shadowing, := redeclaration, function literals, type switch aliases', async () => {
    const file = await parse(`package p

var x = 1

func f(a int) int {
	x := a          // line 6: shadows the package x
	x, y := x+1, 2  // line 7: redeclares nothing new for x (same scope), declares y
	if x := y; x > 0 { // line 8: new x in the if scope
		_ = x
	}
	g := func() int { return x } // the x of line 6
	switch v := any(a).(type) {
	case int:
		_ = v
	}
	_ = g
	return x
}
`);
    const r = file.resolution;
    const declOf = (n: Node) => lineOf(r.resolve(n)?.node);
    assert.equal(declOf(find(file, 'identifier', 'x', 2)), 6, 'x on the right of line 6 is... the right side of line 7 refers to line 6');
    assert.equal(declOf(find(file, 'identifier', 'x', 3)), 6, 'x on the left of line 7 is the line-6 x (redeclaration)');
    assert.equal(declOf(find(file, 'identifier', 'x', 5)), 8, 'x in the if condition is the if-initializer x');
    assert.equal(declOf(find(file, 'identifier', 'x', 6)), 8, 'x in the if body is the if-initializer x');
    assert.equal(declOf(find(file, 'identifier', 'x', 7)), 6, 'x in the closure is the line-6 x');
    assert.equal(declOf(find(file, 'identifier', 'x', 8)), 6, 'x in the final return is the line-6 x');
    assert.equal(r.resolve(find(file, 'identifier', 'x', 0))?.kind, 'package');
    assert.equal(declOf(find(file, 'identifier', 'v', 1)), 12, 'the type switch alias is declared in each clause');
    assert.equal(r.referencesTo(r.resolve(find(file, 'identifier', 'y', 0))!).length, 1);
  });

  test('import aliases, dot imports and a local variable named like a package', async () => {
    const file = await parse(`package p

import (
	ctxpkg "context"
	. "os/signal"
	"net/http"
)

func f() {
	_ = ctxpkg.Background()
	_, _ = NotifyContext(nil)
	context := 1
	_ = context
	http := 2
	_ = http
}
`);
    assert.equal(file.imports.byName.get('ctxpkg'), 'context');
    assert.ok(file.imports.dotImported.has('os/signal'));
    assert.equal(file.packageMember(find(file, 'selector_expression', 'ctxpkg.Background'), 'context'), 'Background');
    assert.equal(file.packageMember(find(file, 'identifier', 'NotifyContext'), 'os/signal'), 'NotifyContext');
    assert.equal(file.resolution.resolve(find(file, 'identifier', 'http', 1))?.kind, 'local', 'http is the local variable after its declaration');
  });
});

function stmtNode(file: GoFile, graph: ControlFlowGraph, type: string, text: string, n = 0): CfgNode {
  const node = graph.nodeOf(find(file, type, text, n));
  assert.ok(node, `no CFG node for ${text}`);
  return node;
}

/** The lines of the statements reachable from `from` (exclusive), plus 'exit'. */
function reachable(graph: ControlFlowGraph, from: CfgNode): Set<string> {
  const seen = new Set<number>();
  const out = new Set<string>();
  const stack = [...from.succs];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (n === graph.exit) out.add('exit');
    else if (n.syntax && n.kind === 'statement') out.add(String(lineOf(n.syntax)));
    stack.push(...n.succs);
  }
  return out;
}

function reaches(from: CfgNode, to: CfgNode): boolean {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push(...n.succs);
  }
  return false;
}

describe('control flow', () => {
  test('never-returning calls end a path; same-file functions that always do count too', async () => {
    const file = await parse(`package p

import (
	"log"
	"os"
	"runtime"
	"testing"
)

func fatalf(format string) { log.Fatalf(format) }
func maybe(b bool) { if b { log.Fatal("x") } }
func forever() { for {} }

func f(t *testing.T, n int) {
	switch n {
	case 0:
		panic("x")
	case 1:
		os.Exit(1)
	case 2:
		runtime.Goexit()
	case 3:
		t.Fatalf("x")
	case 4:
		fatalf("x")
	case 5:
		forever()
	case 6:
		t.Skip()
	}
}

func g(b bool) {
	maybe(b)
}
`);
    const f = find(file, 'identifier', 'f').parent!;
    const graph = file.cfg(f)!;
    for (const [text, callee] of [['panic("x")', 'panic'], ['os.Exit(1)', 'os.Exit'], ['runtime.Goexit()', 'Goexit'], ['t.Fatalf("x")', 'Fatalf'], ['fatalf("x")', 'fatalf'], ['forever()', 'forever'], ['t.Skip()', 'Skip']]) {
      assert.deepEqual(stmtNode(file, graph, 'expression_statement', text).succs, [], `${callee} never returns`);
    }
    const g = find(file, 'identifier', 'g').parent!;
    assert.ok(canReachExit(file.cfg(g)!), 'a helper that only sometimes calls log.Fatal returns');
  });

  test('labelled break and continue, goto, fallthrough, select and infinite for', async () => {
    const file = await parse(`package p

func f(rows [][]int, ch chan int) int {
outer:
	for _, row := range rows {
		for _, v := range row {
			if v < 0 {
				continue outer
			}
			if v == 0 {
				break outer
			}
		}
	}
	a := 1
	switch a {
	case 1:
		fallthrough
	case 2:
		a = 3
	}
	goto done
	a = 4
done:
	for {
		select {
		case v := <-ch:
			if v > 0 {
				return v
			}
		default:
			break
		}
	}
}
`);
    const fn = find(file, 'identifier', 'f').parent!;
    const graph = file.cfg(fn)!;
    const cont = stmtNode(file, graph, 'continue_statement', 'continue outer');
    assert.ok(reachable(graph, cont).has('15'), 'continue outer can reach the statement after the outer loop');
    const brk = stmtNode(file, graph, 'break_statement', 'break outer');
    assert.ok(!reachable(graph, brk).has('8'), 'break outer never reaches the inner loop body again');
    assert.ok(reachable(graph, brk).has('15'));
    const fall = stmtNode(file, graph, 'fallthrough_statement', 'fallthrough');
    assert.ok(reachable(graph, fall).has('20'), 'fallthrough enters the next case body');
    const jump = stmtNode(file, graph, 'goto_statement', 'goto done');
    assert.ok(!reachable(graph, jump).has('23'), 'goto skips a = 4');
    assert.ok(!reachable(graph, graph.entry).has('23'), 'a = 4 is unreachable');
    assert.ok(reachable(graph, graph.entry).has('exit'), 'return v reaches the exit');
    assert.ok(!reaches(graph.entry, graph.end), 'the break in the select leaves only the select: the loop never ends');
  });

  test('the end of the body is reached only by falling off it', async () => {
    const file = await parse(`package p

func f(b bool) {
	if b {
		return
	}
	for {
		break
	}
}
`);
    const graph = file.cfg(find(file, 'identifier', 'f').parent!)!;
    assert.ok(reaches(graph.entry, graph.end), 'break leaves the infinite loop and the function falls off its end');
  });
});

describe('context facts', () => {
  test('the context in scope: a context.Context parameter, else r.Context(), through closures, not when shadowed', async () => {
    const file = await parse(`package p

import (
	stdctx "context"
	"net/http"
)

func handler(w http.ResponseWriter, r *http.Request) {
	go func() {
		_ = 1
	}()
}

func work(ctx stdctx.Context) {
	f := func() {
		_ = 2
	}
	{
		ctx := 3
		_ = ctx
	}
	_ = f
}

func none(x int) { _ = 4 }
`);
    const at = (n: string) => find(file, 'int_literal', n);
    assert.equal(contextInScope(file, at('1'))?.expression, 'r.Context()');
    assert.equal(contextInScope(file, at('2'))?.expression, 'ctx');
    assert.equal(contextInScope(file, find(file, 'identifier', 'ctx', 2)), null, 'the block shadows ctx with an int');
    assert.equal(contextInScope(file, at('4')), null);
  });
});

describe('facts across edits', () => {
  test('a fact computed outside functions is kept across edits inside functions (the editor) and computed again when a declaration outside them changes', async () => {
    const analyzer = await sharedAnalyzer();
    let computed = 0;
    const kind = { key: 'test-outside-functions', outsideFunctions: true, compute: () => ({ version: ++computed }) };
    const path = '/tmp/gcl-facts-across-edits/a.go';
    const factOf = (text: string) => {
      const tree = analyzer.parser.parse(text);
      try {
        return new GoFile(path, text, tree, analyzer.packages).packageFacts(kind)[0];
      } finally {
        tree.delete();
      }
    };
    const first = factOf('package p\n\ntype T struct{}\n\nfunc f() { x := 1 }\n');
    assert.equal(factOf('package p\n\ntype T struct{}\n\n// f.\nfunc f() { x := 2; go g() }\n'), first);
    assert.notEqual(factOf('package p\n\ntype T struct{ a int }\n\nfunc f() { x := 2 }\n'), first);
    assert.notEqual(factOf('package p\n\nimport "sync"\n\ntype T struct{ a int }\n\nfunc f() { x := 2 }\n'), first);
    assert.equal(computed, 3);
  });
});
