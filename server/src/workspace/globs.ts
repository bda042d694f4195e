// Exclude globs, as users write them in settings and on the command line:
// `**` any number of path segments, `*` and `?` within one segment, `{a,b}`
// alternatives, `[...]` character classes. Paths are matched relative to
// the folder being scanned, with `/` separators. A pattern without a `/`
// matches a name at any depth (`mocks` or `*_mock.go`), as .gitignore does.

export type PathMatcher = (relativePath: string) => boolean;

export function globMatcher(patterns: readonly string[]): PathMatcher {
  const expressions = patterns.map((p) => p.trim()).filter((p) => p !== '').map(globToRegExp);
  if (expressions.length === 0) return () => false;
  return (relativePath) => {
    const path = relativePath.split('\\').join('/');
    return expressions.some((e) => e.test(path));
  };
}

/** The pattern as a regular expression over a relative path; a match of a directory also covers what is under it. */
export function globToRegExp(pattern: string): RegExp {
  let glob = pattern.split('\\').join('/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!glob.includes('/')) glob = `**/${glob}`;
  else glob = glob.replace(/^\//, '');
  let source = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is zero or more whole segments; a trailing `**` is anything.
      if (glob[i + 2] === '/') {
        source += '(?:[^/]*/)*';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '{') {
      braces++;
      source += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (c === ',' && braces > 0) source += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = close;
      }
    } else source += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  // An unclosed brace is taken literally rather than rejected.
  if (braces > 0) return globToRegExp(pattern.replace(/[{}]/g, (b) => `[${b}]`));
  return new RegExp(`^${source}(?:/.*)?$`);
}
