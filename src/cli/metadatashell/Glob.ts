/**
 * Paths and globs of kafka-metadata-shell (Kafka 3.7's shell.glob.GlobComponent, GlobVisitor and
 * command.CommandUtils): `*`, `?`, `{a,b}` and `\` escapes within one path component; `.` and `..`; relative
 * paths resolve against the working directory.
 */
import { compareJava, MetadataNode } from './MetadataNodes';

/** The shell's state: the tree and the working directory (MetadataShellState). */
export interface ShellState {
  root: MetadataNode;
  workingDirectory: string;
}

/** CommandUtils.splitPath: components, with repeated and trailing slashes ignored. */
export function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c.length > 0);
}

/** CommandUtils.stripDotPathComponents. */
export function stripDotPathComponents(input: string[]): string[] {
  const out: string[] = [];
  for (const s of input) {
    if (s === '..') out.pop();
    else if (s !== '.') out.push(s);
  }
  return out;
}

/** CommandUtils.getEffectivePaths: empty strings dropped, "." when nothing is left. */
export function effectivePaths(paths: string[]): string[] {
  const out = paths.filter((p) => p.length > 0);
  return out.length > 0 ? out : ['.'];
}

const REGEX_SPECIAL = new Set(['$', '(', ')', '+', '.', '[', ']', '^', '{', '|']);
const GLOB_SPECIAL = new Set(['*', '?', '\\', '{', '}']);

/** GlobComponent.toRegularExpression: null for a literal component; throws on nested or unterminated groups. */
export function toRegularExpression(glob: string): string | null {
  let out = '^';
  let literal = true;
  let group = false;
  for (let i = 0; i < glob.length;) {
    const c = glob[i++];
    switch (c) {
      case '?':
        literal = false;
        out += '.';
        break;
      case '*':
        literal = false;
        out += '.*';
        break;
      case '\\':
        if (i === glob.length) out += c;
        else {
          const next = glob[i++];
          if (GLOB_SPECIAL.has(next) || REGEX_SPECIAL.has(next)) out += '\\';
          out += next;
        }
        break;
      case '{':
        if (group) throw new Error("Can't nest glob groups.");
        literal = false;
        out += '(?:(?:';
        group = true;
        break;
      case ',':
        if (group) {
          literal = false;
          out += ')|(?:';
        } else out += c;
        break;
      case '}':
        if (group) {
          literal = false;
          out += '))';
          group = false;
        } else out += c;
        break;
      default:
        if (REGEX_SPECIAL.has(c)) out += '\\';
        out += c;
    }
  }
  if (group) throw new Error('Unterminated glob group.');
  return literal ? null : out + '$';
}

/** GlobComponent: an invalid glob is treated as a literal, as Kafka does. */
class GlobComponent {
  readonly pattern: RegExp | null;
  constructor(readonly component: string) {
    let re: string | null = null;
    try {
      re = toRegularExpression(component);
    } catch {
      re = null;
    }
    this.pattern = re === null ? null : new RegExp(re, 'u');
  }
  matches(name: string): boolean {
    return this.pattern === null ? this.component === name : this.pattern.test(name);
  }
}

export interface NodeInfo {
  path: string[];
  node: MetadataNode;
}

export function lastPathComponent(info: NodeInfo): string {
  return info.path.length === 0 ? '/' : info.path[info.path.length - 1];
}

export function absolutePath(info: NodeInfo): string {
  return '/' + info.path.join('/');
}

/** GlobVisitor: calls `handler` for every match in sorted order, or once with null when nothing matches. */
export function visitGlob(state: ShellState, glob: string, handler: (info: NodeInfo | null) => void): void {
  const full = glob.startsWith('/') ? glob : `${state.workingDirectory}/${glob}`;
  const components = stripDotPathComponents(splitPath(full));
  const accept = (index: number, node: MetadataNode, p: string[]): boolean => {
    if (index >= components.length) {
      handler({ path: p, node });
      return true;
    }
    const g = new GlobComponent(components[index]);
    if (!node.isDirectory()) return false;
    if (g.pattern === null) {
      const child = node.child(g.component);
      return child !== null && accept(index + 1, child, [...p, g.component]);
    }
    let matched = false;
    for (const name of [...node.childNames()].sort(compareJava)) {
      if (!g.matches(name)) continue;
      const child = node.child(name);
      if (child && accept(index + 1, child, [...p, name])) matched = true;
    }
    return matched;
  };
  if (!accept(0, state.root, [])) handler(null);
}
