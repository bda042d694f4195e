// A statement-level control-flow graph for one function body. Nodes are
// simple statements and the headers of compound ones (conditions, switch
// tags, case lists, select communications); `return` and falling off the
// end lead to the exit; calls that never return lead nowhere.
import type { Node } from 'web-tree-sitter';
import { isFunction, namedChildren, statementsOf } from './syntax';

export type CfgNodeKind = 'entry' | 'statement' | 'header' | 'label' | 'end' | 'exit';

export interface CfgNode {
  readonly id: number;
  readonly kind: CfgNodeKind;
  /** What this node evaluates: a statement, or the header expression of a compound statement; null for synthetic nodes. */
  readonly syntax: Node | null;
  readonly succs: CfgNode[];
}

export interface ControlFlowGraph {
  readonly entry: CfgNode;
  /** Falling off the end of the body (its syntax is the body block). */
  readonly end: CfgNode;
  readonly exit: CfgNode;
  /** The node of a statement (or header) by its syntax node. */
  nodeOf(syntax: Node): CfgNode | undefined;
}

interface JumpTarget {
  label: string | null;
  breakTo: CfgNode;
  continueTo: CfgNode | null;
}

const CASE_TYPES = new Set(['expression_case', 'type_case', 'default_case', 'communication_case']);

export function buildCfg(body: Node, neverReturns: (call: Node) => boolean): ControlFlowGraph {
  return new Builder(body, neverReturns).graph;
}

/** True when some path through the graph reaches the exit. */
export function canReachExit(graph: ControlFlowGraph): boolean {
  const seen = new Set<number>();
  const stack = [graph.entry];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === graph.exit) return true;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push(...n.succs);
  }
  return false;
}

/**
 * A step of the builder: a generator that yields the sub-steps it needs (a
 * nested statement, say) and gets their entry nodes back. `run` drives them
 * with a stack of its own, so nesting depth costs heap, not call stack.
 */
interface Step extends Generator<Step, CfgNode, CfgNode> {}

function run(step: Step): CfgNode {
  const stack: Step[] = [step];
  let value: CfgNode | undefined;
  for (;;) {
    const result = stack[stack.length - 1].next(value!);
    if (result.done) {
      stack.pop();
      value = result.value;
      if (stack.length === 0) return value;
    } else {
      stack.push(result.value);
      value = undefined;
    }
  }
}

class Builder {
  readonly graph: ControlFlowGraph;
  private nextId = 0;
  private readonly bySyntax = new Map<number, CfgNode>();
  private readonly labels = new Map<string, CfgNode>();
  private readonly targets: JumpTarget[] = [];
  private fallthroughTo: CfgNode | null = null;
  private readonly exit: CfgNode;

  constructor(body: Node, private readonly neverReturns: (call: Node) => boolean) {
    const exit = (this.exit = this.node('exit', null, []));
    const end = this.node('end', body, [exit]);
    this.collectLabels(body);
    const first = run(this.sequence(statementsOf(body), end));
    const entry = this.node('entry', null, [first]);
    const bySyntax = this.bySyntax;
    this.graph = { entry, end, exit, nodeOf: (syntax) => bySyntax.get(syntax.id) };
  }

  private node(kind: CfgNodeKind, syntax: Node | null, succs: CfgNode[]): CfgNode {
    const n: CfgNode = { id: this.nextId++, kind, syntax, succs };
    if (syntax && kind !== 'end') this.bySyntax.set(syntax.id, n);
    return n;
  }

  private collectLabels(body: Node): void {
    const pending = [body];
    while (pending.length) {
      for (const child of namedChildren(pending.pop()!)) {
        if (isFunction(child)) continue;
        if (child.type === 'labeled_statement') {
          const name = child.childForFieldName('label')?.text;
          if (name) this.labels.set(name, this.node('label', null, []));
        }
        pending.push(child);
      }
    }
  }

  private *sequence(statements: Node[], next: CfgNode): Step {
    let n = next;
    for (let i = statements.length - 1; i >= 0; i--) n = yield this.statement(statements[i], n, null);
    return n;
  }

  private *statement(s: Node, next: CfgNode, label: string | null): Step {
    switch (s.type) {
      case 'block':
        return yield this.sequence(statementsOf(s), next);
      case 'return_statement':
        return this.node('statement', s, [this.exit]);
      case 'expression_statement': {
        const call = s.namedChild(0);
        return this.node('statement', s, call?.type === 'call_expression' && this.neverReturns(call) ? [] : [next]);
      }
      case 'if_statement':
        return yield this.ifStatement(s, next);
      case 'for_statement':
        return yield this.forStatement(s, next, label);
      case 'expression_switch_statement':
      case 'type_switch_statement':
        return yield this.switchStatement(s, next, label);
      case 'select_statement':
        return yield this.selectStatement(s, next, label);
      case 'labeled_statement': {
        const name = s.childForFieldName('label')?.text ?? '';
        const labelNode = this.labels.get(name) ?? this.node('label', null, []);
        const inner = namedChildren(s).find((c) => c.type !== 'label_name');
        labelNode.succs.push(inner ? yield this.statement(inner, next, name) : next);
        return labelNode;
      }
      case 'goto_statement': {
        const target = this.labels.get(s.namedChild(0)?.text ?? '');
        return this.node('statement', s, [target ?? next]);
      }
      case 'break_statement':
        return this.node('statement', s, [this.jumpTarget(s, false)?.breakTo ?? next]);
      case 'continue_statement':
        return this.node('statement', s, [this.jumpTarget(s, true)?.continueTo ?? next]);
      case 'fallthrough_statement':
        return this.node('statement', s, [this.fallthroughTo ?? next]);
      default:
        return this.node('statement', s, [next]);
    }
  }

  private jumpTarget(s: Node, isContinue: boolean): JumpTarget | undefined {
    const label = s.namedChild(0)?.type === 'label_name' ? s.namedChild(0)!.text : null;
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const t = this.targets[i];
      if (label !== null ? t.label === label : !isContinue || t.continueTo) return t;
    }
    return undefined;
  }

  private *ifStatement(s: Node, next: CfgNode): Step {
    const consequence = s.childForFieldName('consequence');
    const alternative = s.childForFieldName('alternative');
    const thenEntry = consequence ? yield this.statement(consequence, next, null) : next;
    const elseEntry = alternative ? yield this.statement(alternative, next, null) : next;
    const condition = this.node('header', s.childForFieldName('condition'), [thenEntry, elseEntry]);
    return this.withInitializer(s, condition);
  }

  private withInitializer(s: Node, header: CfgNode): CfgNode {
    const init = s.childForFieldName('initializer');
    return init ? this.node('statement', init, [header]) : header;
  }

  private *forStatement(s: Node, next: CfgNode, label: string | null): Step {
    const clause = namedChildren(s).find((c) => c.type === 'for_clause' || c.type === 'range_clause');
    const bare = namedChildren(s).find((c) => c.type !== 'block' && c !== clause && c.type !== 'comment');
    const condition = clause?.type === 'for_clause' ? clause.childForFieldName('condition') : (clause ?? bare ?? null);
    const header = this.node('header', condition, []);
    const update = clause?.type === 'for_clause' ? clause.childForFieldName('update') : null;
    const continueTo = update ? this.node('statement', update, [header]) : header;
    this.targets.push({ label, breakTo: next, continueTo });
    const body = s.childForFieldName('body');
    header.succs.push(body ? yield this.statement(body, continueTo, null) : continueTo);
    this.targets.pop();
    if (condition) header.succs.push(next);
    const init = clause?.type === 'for_clause' ? clause.childForFieldName('initializer') : null;
    return init ? this.node('statement', init, [header]) : header;
  }

  private *switchStatement(s: Node, next: CfgNode, label: string | null): Step {
    const clauses = namedChildren(s).filter((c) => CASE_TYPES.has(c.type));
    const tag = this.node('header', s.childForFieldName('value'), []);
    this.targets.push({ label, breakTo: next, continueTo: null });
    const saved = this.fallthroughTo;
    let following: CfgNode = next;
    const entries: CfgNode[] = [];
    for (let i = clauses.length - 1; i >= 0; i--) {
      this.fallthroughTo = following;
      const bodyEntry: CfgNode = yield this.sequence(clauseStatements(clauses[i]), next);
      following = bodyEntry;
      const values = clauses[i].type === 'default_case' ? null : (clauses[i].childForFieldName('value') ?? clauses[i].childForFieldName('type'));
      entries.unshift(values ? this.node('header', values, [bodyEntry]) : bodyEntry);
    }
    this.fallthroughTo = saved;
    this.targets.pop();
    tag.succs.push(...entries);
    if (!clauses.some((c) => c.type === 'default_case')) tag.succs.push(next);
    return this.withInitializer(s, tag);
  }

  private *selectStatement(s: Node, next: CfgNode, label: string | null): Step {
    const select = this.node('header', null, []);
    this.targets.push({ label, breakTo: next, continueTo: null });
    for (const clause of namedChildren(s).filter((c) => CASE_TYPES.has(c.type))) {
      const bodyEntry: CfgNode = yield this.sequence(clauseStatements(clause), next);
      const communication = clause.childForFieldName('communication');
      select.succs.push(communication ? this.node('header', communication, [bodyEntry]) : bodyEntry);
    }
    this.targets.pop();
    return select;
  }
}

function clauseStatements(clause: Node): Node[] {
  const list = namedChildren(clause).find((c) => c.type === 'statement_list');
  return list ? statementsOf(list) : [];
}
