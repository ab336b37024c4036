/**
 * The help of one value, read from the comments above it and on its line.
 * Two styles are understood: plain comments (the whole block above the key,
 * then the one on its line), and helm-docs (https://github.com/norwoodj/helm-docs):
 * `# -- text` starts the description (earlier lines of the block, often
 * commented-out YAML, are not part of it), the lines after it continue it,
 * `# -- (type) text` names the type, `# @default -- text` says what an
 * unset value means, `# @ignored` keeps the value out of the docs. Bitnami's
 * `## @param <path> <text>` gives the text.
 */
export interface ValueHelp {
  description?: string;
  /** helm-docs `(type)`: what a `null`/empty value stands for. */
  type?: string;
  /** helm-docs `@default -- text`: words, not a value to fill in. */
  defaultText?: string;
  /** helm-docs `@ignored`. */
  ignored?: boolean;
}

const HELM_DOCS_START = /^--(\s|$)/;
const ANNOTATION = /^@(\w+)(?:\s+--\s*(.*))?\s*$/;

/**
 * `above`: the whole-line comments directly above the key (text after `#`),
 * `inline`: the comment at the end of its line.
 */
export function valueHelp(comments: string[], inline?: string): ValueHelp {
  // Blank comment lines (`##` separators) say nothing.
  const above = comments.filter(Boolean).map(bitnamiParam);
  const start = above.findIndex(l => HELM_DOCS_START.test(l));
  const inlineDocs = inline !== undefined && HELM_DOCS_START.test(inline);
  if (start < 0 && !inlineDocs) {
    const annotations = above.filter(l => ANNOTATION.test(l));
    const text = [above.filter(l => !ANNOTATION.test(l)).join(' '), inline]
      .map(t => t?.trim())
      .filter(Boolean);
    return withAnnotations(
      { description: text.length ? text.join(' — ') : undefined },
      annotations,
    );
  }
  const lines = start >= 0 ? above.slice(start) : [inline!];
  const words: string[] = [];
  const annotations: string[] = [];
  lines.forEach((line, i) => {
    if (ANNOTATION.test(line)) annotations.push(line);
    else words.push(i === 0 ? line.replace(HELM_DOCS_START, '') : line);
  });
  let description = words.join(' ').replace(/\s+/g, ' ').trim();
  let type: string | undefined;
  const typed = /^\(([\w/]+)\)\s*(.*)$/.exec(description);
  if (typed) {
    type = typed[1];
    description = typed[2];
  }
  // `# -- @ignored` is helm-docs' other spelling of `# @ignored`.
  if (description === '@ignored') {
    return withAnnotations({ ignored: true, type }, annotations);
  }
  return withAnnotations(
    { description: description || undefined, type },
    annotations,
  );
}

/**
 * Bitnami's readme-generator writes `@param <path> <text>`: the text is the
 * description.
 */
function bitnamiParam(line: string): string {
  const param = /^@param\s+\S+\s*(.*)$/.exec(line);
  return param ? param[1] : line;
}

function withAnnotations(help: ValueHelp, annotations: string[]): ValueHelp {
  const out = { ...help };
  for (const line of annotations) {
    const [, name, text] = ANNOTATION.exec(line)!;
    if (name === 'default' && text) out.defaultText = text.trim();
    if (name === 'ignored') out.ignored = true;
  }
  return out;
}

/**
 * The help text a form shows: the description, then what the default means.
 * The Create form renders it as Markdown, where a `<key>` of a comment would
 * be taken for an HTML tag and vanish: such placeholders become code.
 */
export function helpText(help: ValueHelp): string | undefined {
  const parts = [
    help.description,
    help.defaultText && `Default: ${help.defaultText}`,
  ].filter(Boolean);
  if (!parts.length) return undefined;
  return parts
    .join(' ')
    .split(/(`[^`]*`)/)
    .map((piece, i) =>
      i % 2 ? piece : piece.replace(/<[^<>\s][^<>]*>/g, tag => `\`${tag}\``),
    )
    .join('');
}
