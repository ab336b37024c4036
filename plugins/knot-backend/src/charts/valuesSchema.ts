import type { JsonObject, JsonValue } from '@backstage/types';
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
} from 'yaml';
import { KNOT_VALUES_KEY } from '@knot-platform/plugin-knot-common';
import { YamlComments } from './yamlComments';

/** A JSON Schema (draft 7 subset) as the Scaffolder's form renders it. */
export type JsonSchema = JsonObject & {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
};

/** Per-value form metadata, from `knot.metadata.<var>` in values.yaml. */
export interface ValueMetadata {
  hidden?: boolean;
  title?: string;
  help?: string;
  choices?: JsonValue[];
}

function titleOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Looks up the metadata of a value path: `knot.metadata["a.b"]` or the nested
 * `knot.metadata.a.b` (seeds: `knot.metadata.<var>`).
 */
export function metadataFor(
  metadata: JsonObject | undefined,
  path: string[],
): ValueMetadata {
  if (!metadata) return {};
  const dotted = metadata[path.join('.')];
  if (dotted && typeof dotted === 'object' && !Array.isArray(dotted)) {
    return dotted as ValueMetadata;
  }
  let node: JsonValue | undefined = metadata;
  for (const segment of path) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return {};
    node = node[segment];
  }
  return node && typeof node === 'object' && !Array.isArray(node)
    ? (node as ValueMetadata)
    : {};
}

function applyMetadata(
  schema: JsonSchema,
  key: string,
  meta: ValueMetadata,
  comment: string | undefined,
): JsonSchema {
  const out: JsonSchema = {
    ...schema,
    title: meta.title ?? schema.title ?? titleOf(key),
  };
  const description = meta.help ?? comment ?? schema.description;
  if (description) out.description = description;
  if (Array.isArray(meta.choices) && meta.choices.length) {
    if (out.type === 'array') {
      out.items = { ...(out.items ?? {}), enum: meta.choices };
      out.uniqueItems = true;
    } else {
      out.enum = meta.choices;
    }
  }
  return out;
}

function scalarSchema(value: unknown): JsonSchema {
  if (typeof value === 'boolean') return { type: 'boolean', default: value };
  if (typeof value === 'number') {
    return {
      type: Number.isInteger(value) ? 'integer' : 'number',
      default: value,
    };
  }
  if (value === null || value === undefined) return { type: 'string' };
  return { type: 'string', default: String(value) };
}

function seqSchema(json: JsonValue[]): JsonSchema {
  const first = json.find(v => v !== null && v !== undefined);
  let items: JsonSchema = { type: 'string' };
  if (typeof first === 'boolean') items = { type: 'boolean' };
  else if (typeof first === 'number') items = { type: 'number' };
  else if (first && typeof first === 'object' && !Array.isArray(first)) {
    items = {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(first).map(([k, v]) => [
          k,
          {
            ...scalarSchema(v),
            title: titleOf(k),
            default: undefined,
          } as JsonSchema,
        ]),
      ),
    };
    for (const p of Object.values(items.properties!)) delete p.default;
  }
  return { type: 'array', items, default: json };
}

/**
 * The form of a chart's values.yaml: every leaf with its type and default,
 * the comment on its line or just above it as help text, nested maps as
 * nested objects, `knot.metadata` applied, `knot.*` left out.
 */
export function schemaFromValuesYaml(source: string): JsonSchema {
  const doc = parseDocument(source);
  const comments = new YamlComments(source);
  const json = (doc.toJS() ?? {}) as JsonObject;
  const metadata = (json[KNOT_VALUES_KEY] as JsonObject | undefined)
    ?.metadata as JsonObject | undefined;

  const fromMap = (node: YamlNode, path: string[]): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key)
          ? String(pair.key.value)
          : String(pair.key);
        if (path.length === 0 && key === KNOT_VALUES_KEY) continue;
        const childPath = [...path, key];
        const meta = metadataFor(metadata, childPath);
        if (meta.hidden) continue;
        const value = pair.value as YamlNode | null;
        let schema: JsonSchema | undefined;
        if (isMap(value)) {
          schema = fromMap(value, childPath);
          // An empty map has nothing to fill in.
          if (!Object.keys(schema.properties ?? {}).length) continue;
        } else if (isSeq(value)) {
          schema = seqSchema(value.toJSON() as JsonValue[]);
        } else {
          schema = scalarSchema(isScalar(value) ? value.value : null);
        }
        const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
        let comment: string | undefined;
        if (keyRange) {
          const line = comments.line(keyRange[0]);
          const parts = [
            comments.preceding(line),
            comments.inline(line),
          ].filter(Boolean);
          comment = parts.length ? parts.join(' — ') : undefined;
        }
        properties[key] = applyMetadata(schema, key, meta, comment);
      }
    }
    return { type: 'object', properties };
  };

  return fromMap(doc.contents as YamlNode, []);
}

/**
 * A chart's own values.schema.json as the form: `knot` removed, and
 * `knot.metadata` from values.yaml applied on top.
 */
export function schemaFromJsonSchema(
  chartSchema: JsonObject,
  valuesYaml: string,
): JsonSchema {
  const values = (parseDocument(valuesYaml).toJS() ?? {}) as JsonObject;
  const metadata = (values[KNOT_VALUES_KEY] as JsonObject | undefined)
    ?.metadata as JsonObject | undefined;
  const walk = (
    schema: JsonSchema,
    path: string[],
    value: JsonValue | undefined,
  ): JsonSchema => {
    // values.yaml holds the defaults a schema often leaves out.
    if (schema.default === undefined && value !== undefined && value !== null) {
      if (!schema.properties) return { ...schema, default: value };
    }
    if (!schema.properties) return schema;
    const object =
      value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    const properties: Record<string, JsonSchema> = {};
    for (const [key, child] of Object.entries(schema.properties)) {
      if (path.length === 0 && key === KNOT_VALUES_KEY) continue;
      const meta = metadataFor(metadata, [...path, key]);
      if (meta.hidden) continue;
      properties[key] = applyMetadata(
        walk(child, [...path, key], object[key]),
        key,
        meta,
        undefined,
      );
    }
    const out: JsonSchema = { ...schema, properties };
    if (Array.isArray(schema.required)) {
      out.required = schema.required.filter(
        r => typeof r === 'string' && r in properties,
      );
    }
    return out;
  };
  const { $schema: _ignored, ...rest } = chartSchema;
  return walk({ type: 'object', ...rest } as JsonSchema, [], values);
}
