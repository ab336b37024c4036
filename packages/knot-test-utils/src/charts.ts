import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { ChartInfo } from '@knot-platform/plugin-knot-node';

/** The repository's bundled charts (`charts/`). */
export const BUNDLED_CHARTS_DIR = resolvePackagePath(
  '@knot-platform/knot-test-utils',
  '../../charts',
);

/**
 * Charts in the style of widely used ones (podinfo, Bitnami, Grafana,
 * JupyterHub, Argo, Vault, Harbor, ...): their values.yaml (and some a
 * values.schema.json) as those charts write them, each with one template that
 * shows the values it got. The corpus of the generated-form tests.
 */
export const FORM_CORPUS_DIR = resolvePackagePath(
  '@knot-platform/knot-test-utils',
  'form-corpus',
);

/**
 * Writes a chart into a new folder of `parent` (a temporary one when
 * omitted); answers the chart's folder.
 */
export async function writeChart(
  chart: TestChart,
  parent?: string,
): Promise<string> {
  const base =
    parent ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'knot-chart-')));
  const dir = path.join(base, chart.name);
  await fs.mkdir(path.join(dir, 'templates'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: ${chart.name}\nversion: ${chart.version}\n${
      chart.chartYaml ?? ''
    }`,
  );
  await fs.writeFile(path.join(dir, 'values.yaml'), chart.values ?? '');
  for (const [file, text] of Object.entries(chart.templates ?? {})) {
    await fs.writeFile(path.join(dir, 'templates', file), text);
  }
  return dir;
}

/** A chart a test writes: Chart.yaml additions, values.yaml, templates. */
export interface TestChart {
  name: string;
  version: string;
  chartYaml?: string;
  values?: string;
  templates?: Record<string, string>;
}

/** A chart as a chart source lists it, with nothing but its name and version. */
export function testChartInfo(
  name: string,
  version: string,
  source: string,
): ChartInfo {
  return {
    name,
    version,
    title: name,
    tags: [],
    annotations: {},
    labels: {},
    hidden: false,
    singleton: false,
    valuesYaml: '',
    source,
    helmRef: { chart: `/charts/${name}` },
  };
}
