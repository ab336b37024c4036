import type { JsonObject, JsonValue } from '@backstage/types';
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
} from 'yaml';
import {
  IMAGE_PICKER_FIELD,
  KNOT_VALUES_KEY,
} from '@knot-platform/plugin-knot-common';
import { dereference } from './dereference';
import { helpText, valueHelp, type ValueHelp } from './helmDocs';
import { valueTitle } from './valueTitle';
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
  /** An image reference: picked from the profile's images (a string value). */
  image?: boolean;
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
  help: string | undefined,
): JsonSchema {
  const out: JsonSchema = {
    ...schema,
    title: meta.title ?? schema.title ?? valueTitle(key),
  };
  const description = meta.help ?? help;
  if (description) out.description = description;
  if (Array.isArray(meta.choices) && meta.choices.length) {
    if (out.type === 'array') {
      out.items = { ...(out.items ?? {}), enum: meta.choices };
      out.uniqueItems = true;
    } else {
      out.enum = meta.choices;
    }
  }
  if (meta.image === true && out.type === 'string' && !out.enum) {
    out['ui:field'] = IMAGE_PICKER_FIELD;
  }
  return out;
}

/**
 * A map a user fills in: names and values of their own (environment
 * variables, annotations, node selectors), strings unless said otherwise.
 */
function keyValueSchema(values: JsonSchema = { type: 'string' }): JsonSchema {
  return { type: 'object', additionalProperties: values };
}

/** The schema of a helm-docs `(type)` for a value left empty (`null`). */
function schemaOfDocType(type: string | undefined): JsonSchema {
  switch (type) {
    case 'int':
    case 'integer':
      return { type: 'integer' };
    case 'float':
    case 'number':
      return { type: 'number' };
    case 'bool':
    case 'boolean':
      return { type: 'boolean' };
    case 'list':
      return { type: 'array', items: { type: 'string' } };
    case 'object':
    case 'dict':
    case 'map':
      return keyValueSchema();
    default:
      return { type: 'string' };
  }
}

function scalarSchema(value: unknown, help?: ValueHelp): JsonSchema {
  if (typeof value === 'boolean') return { type: 'boolean', default: value };
  if (typeof value === 'number') {
    return {
      type: Number.isInteger(value) ? 'integer' : 'number',
      default: value,
    };
  }
  if (value === null || value === undefined) return schemaOfDocType(help?.type);
  return { type: 'string', default: String(value) };
}

/**
 * The schema of the items of a list, from every item it holds: objects with
 * the keys of all of them (nested maps and lists too), else the type of the
 * first item; no defaults (the list's own default holds them).
 */
function itemsSchema(items: JsonValue[]): JsonSchema {
  const present = items.filter(v => v !== null && v !== undefined);
  const objects = present.filter(
    (v): v is JsonObject => typeof v === 'object' && !Array.isArray(v),
  );
  if (objects.length) {
    const keys = [...new Set(objects.flatMap(o => Object.keys(o)))];
    return {
      type: 'object',
      properties: Object.fromEntries(
        keys.map(k => {
          const values = objects.map(o => o[k]).filter(v => v !== undefined);
          return [k, { ...schemaOfExample(values), title: valueTitle(k) }];
        }),
      ),
    };
  }
  return schemaOfExample(present);
}

/** The schema of the values one place of a list's items takes. */
function schemaOfExample(values: (JsonValue | undefined)[]): JsonSchema {
  const first = values.find(v => v !== null && v !== undefined);
  if (Array.isArray(first)) {
    return {
      type: 'array',
      items: itemsSchema(values.flatMap(v => (Array.isArray(v) ? v : []))),
    };
  }
  if (first && typeof first === 'object') {
    const nested = itemsSchema(values as JsonValue[]);
    return Object.keys(nested.properties ?? {}).length
      ? nested
      : keyValueSchema();
  }
  if (typeof first === 'number') {
    // Integers only if every number there is one.
    const numbers = values.filter((v): v is number => typeof v === 'number');
    return { type: numbers.every(Number.isInteger) ? 'integer' : 'number' };
  }
  const { default: _example, ...schema } = scalarSchema(first);
  return schema;
}

function seqSchema(json: JsonValue[]): JsonSchema {
  return { type: 'array', items: itemsSchema(json), default: json };
}

/** The help of every value of a values.yaml, by its path (`a\0b`). */
function helpByPath(source: string): Map<string, ValueHelp> {
  const out = new Map<string, ValueHelp>();
  const doc = parseDocument(source);
  const comments = new YamlComments(source);
  const walk = (node: unknown, path: string[]) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key)
        ? String(pair.key.value)
        : String(pair.key);
      const childPath = [...path, key];
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) {
        const line = comments.line(keyRange[0]);
        out.set(
          childPath.join('\0'),
          valueHelp(comments.above(line), comments.inline(line)),
        );
      }
      walk(pair.value, childPath);
    }
  };
  walk(doc.contents, []);
  return out;
}

function knotMetadata(json: JsonObject): JsonObject | undefined {
  return (json[KNOT_VALUES_KEY] as JsonObject | undefined)?.metadata as
    | JsonObject
    | undefined;
}

/**
 * The form of a chart's values.yaml: every leaf with its type and default,
 * its help (plain or helm-docs comments), nested maps as nested objects,
 * empty maps as key/value editors, lists with the fields of their items,
 * `knot.metadata` applied, `knot.*` and helm-docs `@ignored` values left out.
 */
export function schemaFromValuesYaml(source: string): JsonSchema {
  const doc = parseDocument(source);
  const helps = helpByPath(source);
  const metadata = knotMetadata((doc.toJS() ?? {}) as JsonObject);

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
        const help = helps.get(childPath.join('\0')) ?? {};
        if (meta.hidden || help.ignored) continue;
        const value = pair.value as YamlNode | null;
        let schema: JsonSchema;
        if (isMap(value)) {
          schema = value.items.length
            ? fromMap(value, childPath)
            : keyValueSchema();
        } else if (isSeq(value)) {
          schema = seqSchema(value.toJSON() as JsonValue[]);
        } else {
          schema = scalarSchema(isScalar(value) ? value.value : null, help);
        }
        properties[key] = applyMetadata(schema, key, meta, helpText(help));
      }
    }
    return { type: 'object', properties };
  };

  return fromMap(doc.contents as YamlNode, []);
}

/** An object the schema leaves open (no properties of its own). */
function isOpenObject(schema: JsonSchema): boolean {
  return (
    schema.type === 'object' &&
    !schema.properties &&
    !schema.oneOf &&
    !schema.anyOf &&
    !schema.allOf &&
    (schema.additionalProperties === undefined ||
      schema.additionalProperties === true)
  );
}

/**
 * A chart's own values.schema.json as the form: local `$ref`s inlined,
 * values.yaml's defaults and comments where the schema has none, open
 * objects as key/value editors, `knot` removed and `knot.metadata` from
 * values.yaml applied on top.
 */
export function schemaFromJsonSchema(
  chartSchema: JsonObject,
  valuesYaml: string,
): JsonSchema {
  const values = (parseDocument(valuesYaml).toJS() ?? {}) as JsonObject;
  const metadata = knotMetadata(values);
  const helps = helpByPath(valuesYaml);
  const walk = (
    schema: JsonSchema,
    path: string[],
    value: JsonValue | undefined,
  ): JsonSchema => {
    if (isOpenObject(schema)) {
      const { additionalProperties: _open, ...rest } = schema;
      const keyValue = { ...rest, ...keyValueSchema() };
      if (schema.default === undefined && value && typeof value === 'object') {
        keyValue.default = value;
      }
      return keyValue;
    }
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
      const childPath = [...path, key];
      const meta = metadataFor(metadata, childPath);
      const help = helps.get(childPath.join('\0')) ?? {};
      if (meta.hidden || help.ignored) continue;
      properties[key] = applyMetadata(
        walk(child, childPath, object[key]),
        key,
        meta,
        typeof child.description === 'string'
          ? child.description
          : helpText(help),
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
  const { $schema: _ignored, ...rest } = dereference(chartSchema);
  return walk({ type: 'object', ...rest } as JsonSchema, [], values);
}
