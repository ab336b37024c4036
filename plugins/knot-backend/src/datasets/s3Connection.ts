import {
  ListObjectsV2Command,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { InputError } from '@backstage/errors';
import {
  DATASET_OBJECT_COUNT_LIMIT,
  type KnotDatasetConnectionResult,
} from '@knot-platform/plugin-knot-common';
import type { S3DatasetInput } from './datasetInput';
import {
  ENDPOINT_REFUSED,
  type EndpointPolicy,
  guardedAgents,
} from './endpointPolicy';

export type S3Target = Pick<
  S3DatasetInput,
  'endpoint' | 'bucket' | 'prefix' | 'region' | 'accessKey' | 'secretKey'
>;

/** Node's TLS failure codes (certificate checks and handshake errors). */
const TLS_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)/;
const UNREACHABLE_CODES =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT|EPIPE)$/;

/**
 * Node's code of a network or TLS failure. The SDK may wrap it ("AWS SDK
 * error wrapper for Error: connect ECONNREFUSED ..."): then from the text.
 */
function errorCode(error: any): string {
  const code = error?.code ?? error?.cause?.code ?? error?.errors?.[0]?.code;
  if (typeof code === 'string' && code) return code;
  const found = String(error?.message ?? '').match(
    /\b(E[A-Z]{3,}|ERR_[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_[A-Z_]+|SELF_SIGNED_[A-Z_]+)\b/,
  );
  return found?.[1] ?? '';
}

/**
 * The user's words for why the bucket could not be listed. Only the kind of
 * failure and the endpoint go back: never the answer's body (the endpoint is
 * the user's, the backend must not become a way to read other servers).
 */
export function connectionFailure(
  error: unknown,
  target: S3Target,
): InputError {
  const e = error as S3ServiceException & { code?: string };
  const code = errorCode(e);
  const where = `${target.endpoint}`;
  if (code === ENDPOINT_REFUSED) {
    return new InputError(
      `Not allowed: ${where} is on a local or private network; ask an admin to allow its host (knot.datasets.allowedEndpoints)`,
    );
  }
  if (TLS_CODES.test(code)) {
    return new InputError(
      `TLS failed with ${where} (${code}): the server's certificate is not trusted or the endpoint does not speak HTTPS`,
    );
  }
  if (UNREACHABLE_CODES.test(code) || e?.name === 'TimeoutError') {
    return new InputError(
      `Unreachable: could not connect to ${where} (${code || 'timed out'})`,
    );
  }
  switch (e?.name) {
    case 'NoSuchBucket':
      return new InputError(
        `No such bucket: '${target.bucket}' does not exist at ${where}`,
      );
    case 'InvalidAccessKeyId':
      return new InputError(
        `Access denied: ${where} does not know this access key`,
      );
    case 'SignatureDoesNotMatch':
      return new InputError(
        `Access denied: the secret key does not match the access key`,
      );
    case 'AccessDenied':
    case 'Forbidden':
      return new InputError(
        `Access denied: these keys may not list '${target.bucket}'`,
      );
    default:
  }
  const status = e?.$metadata?.httpStatusCode;
  if (status === 403) {
    return new InputError(
      `Access denied: these keys may not list '${target.bucket}'`,
    );
  }
  if (status === 404) {
    return new InputError(
      `No such bucket: '${target.bucket}' does not exist at ${where}`,
    );
  }
  return new InputError(
    `${where} did not answer as an S3 service${
      status ? ` (HTTP ${status})` : ''
    }`,
  );
}

/**
 * "Test connection": lists (one page of) the bucket under the prefix with
 * the given keys. Throws an InputError saying what failed.
 */
export async function testS3Connection(
  target: S3Target,
  timeoutMs: number,
  policy: EndpointPolicy,
): Promise<KnotDatasetConnectionResult> {
  let agents: ReturnType<typeof guardedAgents>;
  try {
    agents = guardedAgents(new URL(target.endpoint), policy);
  } catch (error) {
    throw connectionFailure(error, target);
  }
  const client = new S3Client({
    endpoint: target.endpoint,
    region: target.region || 'us-east-1',
    credentials: {
      accessKeyId: target.accessKey,
      secretAccessKey: target.secretKey,
    },
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: {
      ...agents,
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
    },
  });
  try {
    const listed = await client.send(
      new ListObjectsV2Command({
        Bucket: target.bucket,
        Prefix: target.prefix ? `${target.prefix}/` : undefined,
        MaxKeys: DATASET_OBJECT_COUNT_LIMIT,
      }),
    );
    const objectCount = listed.KeyCount ?? listed.Contents?.length ?? 0;
    const truncated = listed.IsTruncated === true;
    const where = target.prefix
      ? `${target.bucket}/${target.prefix}`
      : target.bucket;
    return {
      ok: true,
      objectCount,
      truncated,
      message: `Connected: ${where} holds ${objectCount}${
        truncated ? '+' : ''
      } object${objectCount === 1 ? '' : 's'}`,
    };
  } catch (error) {
    throw connectionFailure(error, target);
  } finally {
    client.destroy();
  }
}
