/** What a transfer reports: bytes sent of the total. */
export type ProgressListener = (sent: number, total: number) => void;

/**
 * Passes a transfer's progress on once a whole percent (and at its end).
 * Browsers report an upload every few milliseconds for each request in
 * flight, and rendering each report cost the Images page in Chromium up
 * to 3 s of CPU a GiB (bench/images): CPU the upload itself needs.
 */
export function progressByPercent(
  listener: ProgressListener,
): ProgressListener {
  let shown = -1;
  return (sent, total) => {
    const percent = total > 0 ? Math.floor((100 * sent) / total) : 100;
    if (percent === shown) return;
    shown = percent;
    listener(sent, total);
  };
}
