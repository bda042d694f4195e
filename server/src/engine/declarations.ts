// Where the top-level declarations of a Go file start, found by reading its
// tokens, not by parsing it: facts that only declarations outside functions
// feed (struct fields, package variables) can then be derived from a parse of
// those declarations alone, which skips the function bodies that make up
// most of a Go file.

export type DeclarationKeyword = 'package' | 'import' | 'type' | 'var' | 'const' | 'func';

export interface TopLevelDeclaration {
  keyword: DeclarationKeyword;
  /** Offset of the keyword (UTF-16 code units). */
  start: number;
}

const KEYWORDS: ReadonlySet<string> = new Set(['package', 'import', 'type', 'var', 'const', 'func']);

/** Keywords after which a newline does not end a statement (every other identifier does). */
const CONTINUING_KEYWORDS: ReadonlySet<string> = new Set([
  'package', 'import', 'type', 'var', 'const', 'func', 'chan', 'map', 'struct', 'interface', 'go', 'defer', 'if', 'else', 'for',
  'switch', 'select', 'case', 'default', 'range', 'goto',
]);

/**
 * The top-level declarations of `text` in order, or undefined when its
 * tokens do not split cleanly into declarations (an unterminated string or
 * comment, unbalanced brackets, a token at the top level that starts no
 * declaration): the caller then parses the whole file.
 */
export function topLevelDeclarations(text: string): TopLevelDeclaration[] | undefined {
  const declarations: TopLevelDeclaration[] = [];
  let depth = 0;
  // True where a statement may start: at the beginning, and after a `;`, or a newline that ends one, at depth 0.
  let atStatementStart = true;
  // Whether a newline here ends a statement (Go's semicolon insertion).
  let newlineEnds = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      if (newlineEnds && depth === 0) atStatementStart = true;
      newlineEnds = false;
      i++;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0xfeff) {
      i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      // A comment holding a newline acts as one.
      if (text.lastIndexOf('\n', end) > i) {
        if (newlineEnds && depth === 0) atStatementStart = true;
        newlineEnds = false;
      }
      i = end + 2;
    } else if (isIdentifierStart(c)) {
      let j = i + 1;
      while (j < n && isIdentifierPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (depth === 0 && atStatementStart) {
        if (!KEYWORDS.has(word)) return undefined;
        declarations.push({ keyword: word as DeclarationKeyword, start: i });
      }
      atStatementStart = false;
      newlineEnds = !CONTINUING_KEYWORDS.has(word);
      i = j;
    } else {
      if (depth === 0 && atStatementStart && c !== 0x3b) return undefined;
      const end = skipToken(text, i);
      if (end === undefined) return undefined;
      atStatementStart = false;
      newlineEnds = false;
      if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x29 || c === 0x5d || c === 0x7d) {
        if (--depth < 0) return undefined;
        newlineEnds = true;
      } else if (c === 0x3b) {
        if (depth === 0) atStatementStart = true;
      } else if (c === 0x22 || c === 0x60 || c === 0x27 || isDigit(c) || (c === 0x2e && isDigit(text.charCodeAt(i + 1)))) {
        newlineEnds = true;
      } else if ((c === 0x2b || c === 0x2d) && text.charCodeAt(i + 1) === c) {
        newlineEnds = true;
      }
      i = end;
    }
  }
  return depth === 0 && declarations.length > 0 && declarations[0].keyword === 'package' ? declarations : undefined;
}

/** The end of the token at `i` (not an identifier, space or comment), or undefined for an unterminated literal. */
function skipToken(text: string, i: number): number | undefined {
  const c = text.charCodeAt(i);
  if (c === 0x60) {
    const end = text.indexOf('`', i + 1);
    return end < 0 ? undefined : end + 1;
  }
  if (c === 0x22 || c === 0x27) {
    for (let j = i + 1; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x5c) j++;
      else if (d === c) return j + 1;
      else if (d === 0x0a) return undefined;
    }
    return undefined;
  }
  if (isDigit(c) || (c === 0x2e && isDigit(text.charCodeAt(i + 1)))) {
    // Digits, letters (hex, exponents, suffixes), `_` and `.`; an exponent's sign reads as an operator, which ends no statement.
    let j = i + 1;
    while (j < text.length && (isIdentifierPart(text.charCodeAt(j)) || text.charCodeAt(j) === 0x2e)) j++;
    return j;
  }
  if ((c === 0x2b || c === 0x2d) && text.charCodeAt(i + 1) === c) return i + 2;
  return i + 1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x80 && c !== 0xfeff);
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || isDigit(c);
}
