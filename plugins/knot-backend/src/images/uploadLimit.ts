import { HttpStatusError } from '../files/fsErrors';

const GiB = 1024 ** 3;

function tooLarge(maxBytes: number) {
  const limit =
    maxBytes >= GiB
      ? `${(maxBytes / GiB).toFixed(1)} GiB`
      : `${Math.ceil(maxBytes / 1024 ** 2)} MiB`;
  return new HttpStatusError(
    413,
    `This image archive is larger than the ${limit} an upload may have (knot.images.maxUploadBytes)`,
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
 */
export async function* limitedUpload(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncIterable<Buffer> {
  let received = 0;
  for await (const chunk of source) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}
