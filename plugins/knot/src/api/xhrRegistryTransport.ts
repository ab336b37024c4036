import type {
  RegistryRequest,
  RegistryResponse,
} from '@knot-platform/plugin-knot-common';

/**
 * The browser's way to the registry for `pushLayoutBlobs`: XMLHttpRequest,
 * the only browser API that reports upload progress. The body is a slice
 * of the chosen file: the browser reads it from disk as it sends.
 */
export function xhrRegistryTransport(
  request: RegistryRequest,
): Promise<RegistryResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    for (const [header, value] of Object.entries(request.headers)) {
      xhr.setRequestHeader(header, value);
    }
    xhr.upload.onprogress = e => request.onProgress?.(e.loaded);
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        location: xhr.getResponseHeader('location') ?? undefined,
        text: xhr.responseText,
      });
    xhr.onerror = () =>
      reject(
        new Error('The upload failed: the connection to the registry was lost'),
      );
    xhr.onabort = () => reject(request.signal.reason ?? new Error('Cancelled'));
    if (request.signal.aborted) {
      reject(request.signal.reason ?? new Error('Cancelled'));
      return;
    }
    request.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(request.body ?? null);
  });
}
