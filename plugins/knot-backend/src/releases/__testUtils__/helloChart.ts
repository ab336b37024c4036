import type { ChartInfo } from '@knot-platform/plugin-knot-node';

/** A bundled chart `hello` 1.0.0 with one value, for tests over a fake helm. */
export const helloChart: ChartInfo = {
  name: 'hello',
  version: '1.0.0',
  title: 'Hello',
  tags: [],
  annotations: {},
  labels: {},
  hidden: false,
  singleton: false,
  valuesYaml: '# The greeting\nmessage: hi\nknot:\n  hostname: ""\n',
  source: 'bundled',
  helmRef: { chart: '/charts/hello' },
};
