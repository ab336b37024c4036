// node --test scripts/adopter/entry-files.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  patchAppEntry,
  patchBackendIndex,
  statements,
} from './entry-files.mjs';
import { installBlocks, installBlocksOfSection } from './install-lines.mjs';

// As @backstage/create-app writes them (shortened).
const BACKEND = `import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.start();
`;

const APP = `import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';

export default createApp({
  features: [catalogPlugin, navModule],
});
`;

test('statements spans multi-line calls and skips comments', () => {
  const texts = statements(BACKEND).map(s => s.text);
  assert.equal(texts.length, 5);
  assert.match(texts[3], /^backend\.add\(\n {2}import/);
});

test('backend lines: imports on top, plugins before start, removals out', () => {
  const result = patchBackendIndex(BACKEND, {
    add: [
      "import { knotModule } from '@knot-platform/plugin-knot-backend';",
      "backend.add(import('@knot-platform/plugin-knot-backend'));",
      'backend.add(knotModule);',
    ],
    remove: [
      "backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));",
    ],
  });
  assert.equal(
    result,
    `import { createBackend } from '@backstage/backend-defaults';
import { knotModule } from '@knot-platform/plugin-knot-backend';

const backend = createBackend();

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));

backend.add(import('@knot-platform/plugin-knot-backend'));
backend.add(knotModule);
backend.start();
`,
  );
});

test('a line to remove that is not there is an error, not a no-op', () => {
  assert.throws(
    () => patchBackendIndex(BACKEND, { add: [], remove: ['backend.add(x);'] }),
    /not there/,
  );
});

test('app lines: the import and the feature appended to createApp', () => {
  const result = patchAppEntry(APP, {
    add: [
      "import knotPlugin from '@knot-platform/plugin-knot';",
      '',
      'features: [knotPlugin],',
    ],
    remove: [],
  });
  assert.match(
    result,
    /from '\.\/modules\/nav';\nimport knotPlugin from '@knot-platform\/plugin-knot';\n/,
  );
  assert.match(result, /features: \[catalogPlugin, navModule, knotPlugin\]/);
});

test('app lines other than imports and features are refused', () => {
  assert.throws(
    () => patchAppEntry(APP, { add: ['console.log(1);'], remove: [] }),
    /only imports/,
  );
});

test('README blocks: only titled ones, diff lines split', () => {
  const readme = [
    '## @knot-platform/plugin-x',
    '```ts',
    'ignored();',
    '```',
    '```diff title="packages/backend/src/index.ts"',
    '-backend.add(a);',
    '+backend.add(b);',
    '```',
    '## @knot-platform/plugin-y',
    '```tsx title="packages/app/src/App.tsx"',
    'features: [y],',
    '```',
  ].join('\n');
  assert.deepEqual(installBlocksOfSection(readme, '@knot-platform/plugin-x'), [
    {
      file: 'packages/backend/src/index.ts',
      lang: 'diff',
      add: ['backend.add(b);'],
      remove: ['backend.add(a);'],
    },
  ]);
  assert.equal(installBlocks(readme).length, 2);
});
