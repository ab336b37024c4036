// The lines an adopter adds to a Backstage app for one Knot package, read
// from the package's README: fenced blocks whose info string names the file
// they go to, e.g.
//
//   ```ts title="packages/backend/src/index.ts"
//   backend.add(import('@knot-platform/plugin-knot-backend'));
//   ```
//
// Files understood: packages/backend/src/index.ts, packages/app/src/App.tsx,
// app-config.yaml. A ```diff block may remove lines (`-`) besides adding
// (`+`). See README.md next to this file for the whole convention.

export const BACKEND_INDEX = 'packages/backend/src/index.ts';
export const APP_ENTRY = 'packages/app/src/App.tsx';
export const APP_CONFIG = 'app-config.yaml';
const TARGETS = [BACKEND_INDEX, APP_ENTRY, APP_CONFIG];

/**
 * The install blocks of a markdown text: `{ file, lang, add, remove }`,
 * `add` and `remove` being the block's lines (diff markers stripped).
 */
export function installBlocks(markdown) {
  const blocks = [];
  const fence = /^```([\w-]*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const [, lang, meta, body] of markdown.matchAll(fence)) {
    const title = /title="([^"]+)"/.exec(meta)?.[1];
    if (!title || !TARGETS.includes(title)) continue;
    const lines = body.replace(/\n$/, '').split('\n');
    if (lang === 'diff') {
      blocks.push({
        file: title,
        lang,
        add: lines.filter(l => l.startsWith('+')).map(l => l.slice(1)),
        remove: lines.filter(l => l.startsWith('-')).map(l => l.slice(1)),
      });
    } else {
      blocks.push({ file: title, lang, add: lines, remove: [] });
    }
  }
  return blocks;
}

/**
 * The install blocks of one package in a file of several packages' lines:
 * a `## <package name>` heading followed by its blocks.
 */
export function installBlocksOfSection(markdown, packageName) {
  const sections = markdown.split(/^## /m).slice(1);
  const section = sections.find(s => s.split('\n')[0].trim() === packageName);
  return section ? installBlocks(section) : [];
}
