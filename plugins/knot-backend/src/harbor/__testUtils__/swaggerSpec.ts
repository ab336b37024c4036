import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * A Swagger 2.0 API description as a checker of requests and responses:
 * the fake Harbor asks it about every request Knot's client makes, using
 * Knot's own description of the part of Harbor's API it calls
 * (harbor-api.yaml). Strict where Harbor is lenient: an object may carry
 * only the properties its schema names (Harbor would ignore a misspelt
 * field silently; here it is a failure), and a query parameter the
 * operation does not declare is refused.
 */

type Schema = Record<string, any>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'body' | 'formData';
  required?: boolean;
  type?: string;
  schema?: Schema;
  [keyword: string]: unknown;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/projects/{project_name_or_id}`. */
  template: string;
  params: Record<string, string>;
  responses: Record<string, { schema?: Schema }>;
}

export class SpecViolation extends Error {}

/** Keywords with no bearing on validity (documentation, generator hints). */
const IGNORED = new Set([
  'description',
  'title',
  'example',
  'readOnly',
  'default',
  'format',
]);

export class SwaggerSpec {
  readonly basePath: string;
  private readonly doc: Schema;

  constructor(file: string) {
    this.doc = parse(fs.readFileSync(file, 'utf8'));
    this.basePath = this.doc.basePath;
  }

  /** Knot's description of the Harbor API it calls, next to this file. */
  static harbor(): SwaggerSpec {
    return new SwaggerSpec(path.join(__dirname, 'harbor-api.yaml'));
  }

  /**
   * The operation a request is, after checking its path, method, query,
   * headers and body; throws SpecViolation otherwise.
   */
  checkRequest(request: {
    method: string;
    url: URL;
    headers: Record<string, string | string[] | undefined>;
    body?: unknown;
  }): SpecOperation {
    const method = request.method.toLowerCase();
    const { pathname } = request.url;
    if (!pathname.startsWith(`${this.basePath}/`)) {
      throw new SpecViolation(`${pathname} is outside ${this.basePath}`);
    }
    const rest = pathname.slice(this.basePath.length);
    const found = this.matchPath(rest);
    if (!found)
      throw new SpecViolation(`no path ${rest} in the API description`);
    const [template, params] = found;
    const item = this.doc.paths[template];
    const operation = item[method];
    if (!operation) {
      throw new SpecViolation(
        `${method.toUpperCase()} ${template} is not in the API description`,
      );
    }
    const where = `${method.toUpperCase()} ${template}`;
    const parameters: Parameter[] = [
      ...(item.parameters ?? []),
      ...(operation.parameters ?? []),
    ].map(p => this.resolve(p));
    for (const p of parameters.filter(x => x.in === 'path')) {
      this.checkValue(p, params[p.name], `${where} path ${p.name}`);
    }
    const query = request.url.searchParams;
    for (const name of new Set(query.keys())) {
      const p = parameters.find(x => x.in === 'query' && x.name === name);
      if (!p)
        throw new SpecViolation(`${where} has no query parameter ${name}`);
      this.checkValue(p, query.get(name)!, `${where} query ${name}`);
    }
    for (const p of parameters.filter(x => x.in !== 'body')) {
      const values: Record<string, string | undefined> = {
        query: query.get(p.name) ?? undefined,
        header: headerValue(request.headers, p.name),
        path: params[p.name],
      };
      const value = values[p.in];
      if (value === undefined) {
        if (p.required)
          throw new SpecViolation(`${where} needs ${p.in} ${p.name}`);
        continue;
      }
      if (p.in === 'header')
        this.checkValue(p, value, `${where} header ${p.name}`);
    }
    const body = parameters.find(p => p.in === 'body');
    if (request.body !== undefined) {
      if (!body) throw new SpecViolation(`${where} takes no body`);
      this.checkSchema(body.schema!, request.body, `${where} body`);
    } else if (body?.required) {
      throw new SpecViolation(`${where} needs a body`);
    }
    return {
      operationId: operation.operationId,
      method,
      template,
      params,
      responses: Object.fromEntries(
        Object.entries(operation.responses).map(([status, r]) => [
          status,
          this.resolve(r as Schema),
        ]),
      ),
    };
  }

  /** Throws unless the operation may answer `status` with `body`. */
  checkResponse(operation: SpecOperation, status: number, body: unknown) {
    const where = `${operation.method.toUpperCase()} ${
      operation.template
    } ${status}`;
    const response = operation.responses[String(status)];
    if (!response)
      throw new SpecViolation(`${where} is not a documented answer`);
    if (response.schema) this.checkSchema(response.schema, body, where);
    else if (body !== undefined)
      throw new SpecViolation(`${where} has no body`);
  }

  /** Checks a value against a schema of the description (`#/definitions/...`). */
  checkSchema(schema: Schema, value: unknown, where: string): void {
    const s = this.resolve(schema);
    if (value === null && s['x-nullable']) return;
    for (const keyword of Object.keys(s)) {
      if (
        !IGNORED.has(keyword) &&
        !keyword.startsWith('x-') &&
        ![
          'type',
          'properties',
          'items',
          'required',
          'enum',
          'maxLength',
          'minLength',
          'maximum',
          'minimum',
          'allOf',
          'additionalProperties',
        ].includes(keyword)
      ) {
        // A keyword this checker does not know must not pass silently.
        throw new Error(`swaggerSpec cannot check '${keyword}' (${where})`);
      }
    }
    for (const part of s.allOf ?? []) this.checkSchema(part, value, where);
    if (s.enum && !s.enum.includes(value)) {
      throw new SpecViolation(
        `${where}: ${JSON.stringify(value)} is not one of ${s.enum}`,
      );
    }
    const type = s.type ?? (s.properties ? 'object' : undefined);
    if (!type) return;
    const fail = () => {
      throw new SpecViolation(
        `${where}: ${JSON.stringify(value)} is not ${type}`,
      );
    };
    switch (type) {
      case 'object': {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          fail();
        const object = value as Record<string, unknown>;
        for (const r of s.required ?? []) {
          if (!(r in object))
            throw new SpecViolation(`${where}: ${r} is required`);
        }
        for (const [k, v] of Object.entries(object)) {
          const property = s.properties?.[k];
          if (property) this.checkSchema(property, v, `${where}.${k}`);
          else if (typeof s.additionalProperties === 'object') {
            this.checkSchema(s.additionalProperties, v, `${where}.${k}`);
          } else if (s.additionalProperties !== true) {
            throw new SpecViolation(`${where}: ${k} is not a property of it`);
          }
        }
        return;
      }
      case 'array':
        if (!Array.isArray(value)) fail();
        (value as unknown[]).forEach((v, i) =>
          this.checkSchema(s.items ?? {}, v, `${where}[${i}]`),
        );
        return;
      case 'string':
        if (typeof value !== 'string') fail();
        if (
          s.maxLength !== undefined &&
          (value as string).length > s.maxLength
        ) {
          throw new SpecViolation(`${where}: longer than ${s.maxLength}`);
        }
        if (
          s.minLength !== undefined &&
          (value as string).length < s.minLength
        ) {
          throw new SpecViolation(`${where}: shorter than ${s.minLength}`);
        }
        return;
      case 'integer':
      case 'number':
        if (
          typeof value !== 'number' ||
          (type === 'integer' && !Number.isInteger(value))
        ) {
          fail();
        }
        if (s.maximum !== undefined && (value as number) > s.maximum) {
          throw new SpecViolation(`${where}: above ${s.maximum}`);
        }
        if (s.minimum !== undefined && (value as number) < s.minimum) {
          throw new SpecViolation(`${where}: below ${s.minimum}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') fail();
        return;
      default:
        throw new Error(`swaggerSpec cannot check type '${type}' (${where})`);
    }
  }

  /** A path, query or header value (always text) against its parameter. */
  private checkValue(p: Parameter, raw: string, where: string) {
    const { name: _n, in: _i, required: _r, schema: _s, ...schema } = p;
    let value: unknown = raw;
    if (p.type === 'integer' || p.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw))
        throw new SpecViolation(`${where}: '${raw}' is not ${p.type}`);
      value = Number(raw);
    } else if (p.type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') {
        throw new SpecViolation(`${where}: '${raw}' is not boolean`);
      }
      value = raw === 'true';
    }
    this.checkSchema(schema, value, where);
  }

  /** The most specific path template matching `rest`, and its values. */
  private matchPath(
    rest: string,
  ): [string, Record<string, string>] | undefined {
    const segments = rest.split('/');
    let best: [string, Record<string, string>, number] | undefined;
    for (const template of Object.keys(this.doc.paths)) {
      const parts = template.split('/');
      if (parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literal = 0;
      const matches = parts.every((part, i) => {
        const m = /^\{(.+)\}$/.exec(part);
        if (m) {
          if (!segments[i]) return false;
          params[m[1]] = decodeURIComponent(segments[i]);
          return true;
        }
        literal++;
        return part === segments[i];
      });
      if (matches && (!best || literal > best[2]))
        best = [template, params, literal];
    }
    return best && [best[0], best[1]];
  }

  private resolve<T extends Schema>(node: T): T {
    let current: Schema = node;
    while (current?.$ref) {
      const ref: string = current.$ref;
      if (!ref.startsWith('#/')) throw new Error(`cannot resolve ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .reduce((n: Schema, key) => n?.[key], this.doc);
      if (!current) throw new Error(`no ${ref} in the description`);
    }
    return current as T;
  }
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
