import { InputError } from '@backstage/errors';
import type { KnotS3DatasetRequest } from '@knot-platform/plugin-knot-common';

/** A validated S3 dataset request: every field present and bounded. */
export interface S3DatasetInput {
  name: string;
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  accessKey: string;
  secretKey: string;
  readOnly: boolean;
}

// A DNS label: the Dataset, its PVC and its mount folder share the name.
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// S3's bucket naming rules (lowercase, 3-63, no leading/trailing dot or hyphen).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{0,32}$/;
// Keys: printable ASCII without spaces (what S3 services issue).
const KEY = /^[\x21-\x7e]+$/;

const KNOWN_FIELDS = new Set([
  'name',
  'type',
  'endpoint',
  'bucket',
  'prefix',
  'region',
  'accessKey',
  'secretKey',
  'readOnly',
]);

function text(
  body: Record<string, unknown>,
  field: keyof KnotS3DatasetRequest,
  max: number,
  required: boolean,
): string {
  const value = body[field];
  if (value === undefined || value === '') {
    if (required) throw new InputError(`The ${field} is required`);
    return '';
  }
  if (typeof value !== 'string') {
    throw new InputError(`The ${field} must be text`);
  }
  if (value.length > max) {
    throw new InputError(`The ${field} is longer than ${max} characters`);
  }
  return value;
}

/** Checks a create or test request; the message says what is wrong. */
export function parseS3DatasetInput(body: unknown): S3DatasetInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('Send the dataset as a JSON object');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter(k => !KNOWN_FIELDS.has(k));
  if (unknown.length) {
    throw new InputError(`Unknown dataset fields: ${unknown.join(', ')}`);
  }
  if (input.type !== 's3') {
    // Never String() what the client sent: an object's toString is theirs.
    const given =
      typeof input.type === 'string' ? ` '${input.type.slice(0, 40)}'` : '';
    throw new InputError(
      `Unknown dataset type${given}: only 's3' can be created`,
    );
  }
  const name = text(input, 'name', 63, true);
  if (!NAME.test(name)) {
    throw new InputError(
      `Invalid dataset name '${name}': use lowercase letters, digits and '-', starting and ending with a letter or digit (at most 63)`,
    );
  }
  const endpoint = text(input, 'endpoint', 2048, true);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(
      `Invalid endpoint '${endpoint}': give a URL such as https://s3.example.org`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError('The endpoint must be an http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw new InputError(
      'Put the keys in their own fields, not in the endpoint URL',
    );
  }
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new InputError(
      'The endpoint is the S3 service URL only: give the bucket and folder in their own fields',
    );
  }
  const bucket = text(input, 'bucket', 63, true);
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new InputError(
      `Invalid bucket name '${bucket}': 3 to 63 lowercase letters, digits, '.' and '-'`,
    );
  }
  const prefix = text(input, 'prefix', 1024, false).replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some(p => p === '' || p === '.' || p === '..')) {
    if (prefix !== '') {
      throw new InputError(
        `Invalid folder '${prefix}': no empty, '.' or '..' parts`,
      );
    }
  }
  const isControl = (c: string) => c.charCodeAt(0) < 0x20 || c === '\x7f';
  if ([...prefix].some(isControl)) {
    throw new InputError('The folder must not contain control characters');
  }
  const region = text(input, 'region', 32, false);
  if (!REGION.test(region)) {
    throw new InputError(
      `Invalid region '${region}': lowercase letters, digits and '-'`,
    );
  }
  const accessKey = text(input, 'accessKey', 128, true);
  const secretKey = text(input, 'secretKey', 256, true);
  if (!KEY.test(accessKey)) {
    throw new InputError('The access key must be printable, without spaces');
  }
  if (!KEY.test(secretKey)) {
    throw new InputError('The secret key must be printable, without spaces');
  }
  if (input.readOnly !== undefined && typeof input.readOnly !== 'boolean') {
    throw new InputError('readOnly must be true or false');
  }
  return {
    name,
    endpoint: url.origin,
    bucket,
    prefix,
    region,
    accessKey,
    secretKey,
    readOnly: input.readOnly === true,
  };
}
