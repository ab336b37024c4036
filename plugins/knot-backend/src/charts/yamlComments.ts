import { LineCounter, Parser } from 'yaml';

/**
 * The comments of a YAML text by line, read from the `yaml` package's CST:
 * the Document API attaches a key's inline comment to its first child when
 * the value is a map, so positions are the reliable way to tell "the comment
 * on this key's line" from "the comments just above it".
 */
export class YamlComments {
  /** Comment text (without `#`) by 1-based line. */
  private readonly byLine = new Map<number, string>();
  /** Lines that hold nothing but a comment. */
  private readonly ownLine = new Set<number>();
  private readonly lineCounter = new LineCounter();

  constructor(source: string) {
    const lines = source.split(/\r?\n/);
    for (const token of new Parser(this.lineCounter.addNewLine).parse(source)) {
      this.collect(token, lines);
    }
  }

  /** The 1-based line of a source offset. */
  line(offset: number): number {
    return this.lineCounter.linePos(offset).line;
  }

  /** The comment at the end of `line`, if any. */
  inline(line: number): string | undefined {
    return this.ownLine.has(line) ? undefined : this.byLine.get(line);
  }

  /** The whole-line comments directly above `line` (no blank line between), top first. */
  above(line: number): string[] {
    const block: string[] = [];
    for (let l = line - 1; l > 0 && this.ownLine.has(l); l--) {
      block.unshift(this.byLine.get(l)!);
    }
    return block;
  }

  private collect(node: unknown, lines: string[]): void {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(n => this.collect(n, lines));
      return;
    }
    const token = node as { type?: string; offset?: number; source?: string };
    if (token.type === 'comment' && token.offset !== undefined) {
      const { line, col } = this.lineCounter.linePos(token.offset);
      // `##` is as common a comment marker as `#` (Bitnami's charts).
      const text = token.source!.replace(/^#+/, '');
      // Indented further, it is commented-out YAML (an example), not words.
      this.byLine.set(line, /^\s{2,}\S/.test(text) ? '' : text.trim());
      if (lines[line - 1].slice(0, col - 1).trim() === '') {
        this.ownLine.add(line);
      }
      return;
    }
    for (const value of Object.values(node)) this.collect(value, lines);
  }
}
