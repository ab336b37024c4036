import fs from 'node:fs/promises';
import path from 'node:path';
import type { JsonObject } from '@backstage/types';
import {
  HIDDEN_LABEL,
  SINGLETON_ANNOTATION,
  TAGS_ANNOTATION,
  TITLE_ANNOTATION,
} from '@knot-platform/plugin-knot-common';
import { parse as parseYaml } from 'yaml';
import type { ChartInfo } from './ChartSource';

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== 'false' && value !== '0';
}

/**
 * Reads one unpacked chart directory (Chart.yaml, values.yaml,
 * values.schema.json) as the chart Knot offers; `source` says where it comes
 * from. Every chart source ends here, so all charts read alike.
 */
export async function readChartDir(
  dir: string,
  source: string,
): Promise<ChartInfo> {
  const chart = parseYaml(
    await fs.readFile(path.join(dir, 'Chart.yaml'), 'utf8'),
  ) as JsonObject;
  if (typeof chart?.name !== 'string' || chart.version === undefined) {
    throw new Error(`${dir}/Chart.yaml has no name or version`);
  }
  const valuesYaml = await fs
    .readFile(path.join(dir, 'values.yaml'), 'utf8')
    .catch(() => '');
  const schemaText = await fs
    .readFile(path.join(dir, 'values.schema.json'), 'utf8')
    .catch(() => undefined);
  const annotations = (chart.annotations ?? {}) as Record<string, string>;
  // Chart.yaml has no labels field; Knot reads `knot-hidden` from either place.
  const labels = (chart.labels ?? {}) as Record<string, string>;
  return {
    name: chart.name,
    version: String(chart.version),
    appVersion:
      chart.appVersion !== undefined ? String(chart.appVersion) : undefined,
    description:
      typeof chart.description === 'string' ? chart.description : undefined,
    title: annotations[TITLE_ANNOTATION] ?? chart.name,
    tags: (annotations[TAGS_ANNOTATION] ?? '')
      .split(',')
      .map(t => t.trim())
      .filter(Boolean),
    annotations,
    labels,
    hidden:
      truthy(annotations[HIDDEN_LABEL]) ||
      truthy(labels[HIDDEN_LABEL]) ||
      (Array.isArray(chart.keywords) && chart.keywords.includes(HIDDEN_LABEL)),
    singleton:
      truthy(annotations[SINGLETON_ANNOTATION]) ||
      truthy(labels[SINGLETON_ANNOTATION]),
    valuesYaml,
    valuesSchema: schemaText
      ? (JSON.parse(schemaText) as JsonObject)
      : undefined,
    source,
    helmRef: { chart: path.resolve(dir) },
  };
}
