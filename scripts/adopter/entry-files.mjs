// Applies install lines to the two entry files of a Backstage app made by
// @backstage/create-app: the backend's index.ts and the app's App.tsx.
// Small text edits, no TypeScript parser: the template's files are known and
// prettier-formatted, and the README lines are a handful of statements.

/**
 * Splits TypeScript source into top-level statements (comment-only and blank
 * lines are dropped): `{ text, start, end }` with line indexes, end exclusive.
 * A statement ends where brackets balance and the line ends with `;` or `,`.
 */
export function statements(source) {
  const lines = source.split('\n');
  const result = [];
  let start = -1;
  let depth = 0;
  lines.forEach((line, i) => {
    const code = line
      .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''")
      .replace(/\/\/.*$/, '');
    if (start < 0) {
      if (code.trim() === '' || /^\s*(\/\*|\*)/.test(line)) return;
      start = i;
    }
    for (const c of code) {
      if ('([{'.includes(c)) depth++;
      if (')]}'.includes(c)) depth--;
    }
    if (depth <= 0 && /[;,]\s*$/.test(code)) {
      result.push({
        text: lines.slice(start, i + 1).join('\n'),
        start,
        end: i + 1,
      });
      start = -1;
      depth = 0;
    }
  });
  if (start >= 0) {
    result.push({
      text: lines.slice(start).join('\n'),
      start,
      end: lines.length,
    });
  }
  return result;
}

/** The same statement whatever its formatting (prettier wraps long calls). */
function normalize(text) {
  return text.replace(/\s+/g, '').replace(/,([)\]}])/g, '$1');
}

const isImport = s => /^import[\s{]/.test(s.trim());

function addImports(source, imports) {
  const lines = source.split('\n');
  const existing = statements(source);
  const present = new Set(existing.map(s => normalize(s.text)));
  const lastImport = existing.filter(s => isImport(s.text)).pop();
  const fresh = imports.filter(s => !present.has(normalize(s)));
  lines.splice(lastImport ? lastImport.end : 0, 0, ...fresh);
  return lines.join('\n');
}

function removeStatements(source, removals, file) {
  let result = source;
  for (const removal of removals) {
    const wanted = normalize(removal);
    const match = statements(result).find(s => normalize(s.text) === wanted);
    if (!match) {
      throw new Error(`${file}: the line to remove is not there: ${removal}`);
    }
    const lines = result.split('\n');
    lines.splice(match.start, match.end - match.start);
    result = lines.join('\n');
  }
  return result;
}

/**
 * Backend: imports go to the imports, other statements before
 * `backend.start();`, removals (diff `-` lines) are taken out.
 */
export function patchBackendIndex(source, { add, remove }) {
  let result = removeStatements(source, remove, 'backend index.ts');
  const added = statements(add.join('\n')).map(s => s.text);
  result = addImports(result, added.filter(isImport));
  const others = added.filter(s => !isImport(s));
  const start = /^backend\.start\(\);?\s*$/m;
  if (others.length > 0) {
    if (!start.test(result)) {
      throw new Error(
        'backend index.ts: no `backend.start();` to add lines before',
      );
    }
    result = result.replace(start, m => `${others.join('\n')}\n${m}`);
  }
  return result;
}

/**
 * App: imports go to the imports; a `features: [a, b],` line appends its
 * entries to the features of `createApp`. Nothing else is understood.
 */
export function patchAppEntry(source, { add, remove }) {
  let result = removeStatements(source, remove, 'App.tsx');
  const added = statements(add.join('\n')).map(s => s.text);
  result = addImports(result, added.filter(isImport));
  for (const statement of added.filter(s => !isImport(s))) {
    const features = /^\s*features:\s*\[([\s\S]*)\]\s*,?\s*$/.exec(statement);
    if (!features) {
      throw new Error(
        `App.tsx: only imports and a \`features: [...]\` line are understood, not: ${statement}`,
      );
    }
    for (const feature of features[1].split(',').map(f => f.trim())) {
      if (feature && !feature.startsWith('...')) {
        result = appendFeature(result, feature);
      }
    }
  }
  return result;
}

function appendFeature(source, feature) {
  const at = source.search(/features:\s*\[/);
  if (at < 0) {
    throw new Error('App.tsx: no `features: [` in createApp to add to');
  }
  const open = source.indexOf('[', at);
  let depth = 0;
  let close = open;
  for (; close < source.length; close++) {
    if (source[close] === '[') depth++;
    if (source[close] === ']' && --depth === 0) break;
  }
  const inner = source.slice(open + 1, close);
  if (inner.split(/[\s,]+/).includes(feature)) return source;
  const trimmed = inner.trimEnd();
  const joined =
    trimmed === '' || trimmed.endsWith(',')
      ? `${trimmed} ${feature}`
      : `${trimmed}, ${feature}`;
  return (
    source.slice(0, open + 1) +
    joined +
    inner.slice(trimmed.length) +
    source.slice(close)
  );
}
