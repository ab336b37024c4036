import { HttpStatusError } from '../files/fsErrors';

const GiB = 1024 ** 3;

/** `unpacked`: a `.tar.gz` whose tar, not its own bytes, is over the limit. */
function tooLarge(maxBytes: number, unpacked = false) {
  const limit =
    maxBytes >= GiB
      ? `${(maxBytes / GiB).toFixed(1)} GiB`
      : `${Math.ceil(maxBytes / 1024 ** 2)} MiB`;
  return new HttpStatusError(
    413,
    `This image archive ${
      unpacked ? 'unpacks to more' : 'is larger'
    } than the ${limit} an upload may have (knot.images.maxUploadBytes)`,
  );
}

/** Refuses (413) an upload whose declared length is over `maxBytes`. */
export function checkDeclaredUploadSize(
  declaredBytes: number,
  maxBytes: number,
) {
  if (declaredBytes > maxBytes) throw tooLarge(maxBytes);
}

/**
 * The archive's bytes as they arrive, refused (413) once they pass
 * `maxBytes`: a docker-save archive is spooled to the portal's disk, so its
 * size must have a bound whatever the request declared (or did not).
 * `unpacked` for a `.tar.gz`'s tar as it is gunzipped, which a few MiB
 * sent can make many GiB of.
 */
export async function* limitedUpload(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
  options: { unpacked?: boolean } = {},
): AsyncIterable<Buffer> {
  let received = 0;
  for await (const chunk of source) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes, options.unpacked);
    yield chunk;
  }
}
