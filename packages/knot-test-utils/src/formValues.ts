/** A JSON Schema node of a generated form, as far as these helpers read it. */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  uniqueItems?: boolean;
  format?: string;
};

function typeOf(schema: Schema): string | undefined {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.properties || schema.additionalProperties) return 'object';
  return types.find(t => t && t !== 'null');
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * Values for every field of a generated form, each one different from what
 * the form starts with (its default, or `current`): strings get a suffix,
 * numbers move, booleans flip, choices take another choice, `oneOf` keeps the
 * alternative of the value (else takes the last one), lists get every item changed and one more, key/value
 * maps every value changed and one more key. What a user changing every
 * field would submit.
 */
export function changedFormValues(schema: Schema, current?: unknown): unknown {
  const value = current ?? schema.default;
  if (schema.const !== undefined) return schema.const;
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) {
    // The alternative the value is of (helm merges the chart's default map
    // into the values, so another alternative's keys would be mixed with
    // this one's), else the last one.
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    const object =
      value && typeof value === 'object'
        ? (value as Record<string, unknown>)
        : undefined;
    const matching = alternatives.find(
      a =>
        object &&
        Object.keys(object).every(k => a.properties?.[k]) &&
        Object.entries(a.properties ?? {}).every(
          ([k, p]) => p.const === undefined || same(p.const, object[k]),
        ),
    );
    const chosen = {
      ...rest,
      ...(matching ?? alternatives[alternatives.length - 1]),
    };
    return changedFormValues({ ...chosen, default: undefined }, object);
  }
  if (schema.enum?.length) {
    const others = schema.enum.filter(e => !same(e, value));
    return others[others.length - 1] ?? schema.enum[0];
  }
  switch (typeOf(schema)) {
    case 'object': {
      const object =
        value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : {};
      if (schema.properties) {
        return Object.fromEntries(
          Object.entries(schema.properties).map(([k, s]) => [
            k,
            changedFormValues(s, object[k]),
          ]),
        );
      }
      const values =
        typeof schema.additionalProperties === 'object'
          ? schema.additionalProperties
          : { type: 'string' };
      return {
        ...Object.fromEntries(
          Object.entries(object).map(([k, v]) => [
            k,
            changedFormValues(values, v),
          ]),
        ),
        ADDED_KEY: changedFormValues(values, undefined),
      };
    }
    case 'array': {
      const items = schema.items ?? { type: 'string' };
      const list = Array.isArray(value) ? value : [];
      if (items.enum?.length && schema.uniqueItems) {
        const missing = items.enum.filter(e => !list.some(v => same(v, e)));
        return missing.length ? [...list, ...missing] : list.slice(0, -1);
      }
      return [
        ...list.map(item => changedFormValues(items, item)),
        changedFormValues(items, undefined),
      ];
    }
    case 'boolean':
      return value !== true;
    case 'integer':
    case 'number': {
      const step = typeOf(schema) === 'integer' ? 1 : 0.5;
      const n = typeof value === 'number' ? value : (schema.minimum ?? 0) + 1;
      const up = n + step;
      return schema.maximum !== undefined && up > schema.maximum
        ? n - step
        : up;
    }
    default: {
      if (schema.format === 'email') return 'changed@example.org';
      return typeof value === 'string' && value
        ? `${value}-changed`
        : 'changed';
    }
  }
}
