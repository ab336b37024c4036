import { idleDurationWords } from '@knot-platform/plugin-knot-common';
import type { StoppedService } from './IdleStopper';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

/**
 * What forward-auth answers (503) for an idle-stopped service to those who
 * may open it. It starts nothing itself: its link only opens the portal's
 * Services page, where Start is a POST with the portal's credentials, so a
 * third party's page (an image tag, a link) cannot start anyone's service.
 * Members of the owner's profile are sent there; users it is shared with
 * are told to ask the owner.
 */
export function stoppedServicePage(options: {
  service: StoppedService;
  owner: string;
  mayStart: boolean;
  servicesPageUrl: string;
}): string {
  const { service, owner, mayStart } = options;
  const name = escapeHtml(service.release);
  const after = service.afterMs
    ? ` after ${idleDurationWords(service.afterMs)} idle`
    : ' because nobody used it';
  const url = new URL(options.servicesPageUrl);
  url.searchParams.set('profile', owner);
  url.searchParams.set('start', service.release);
  const action = mayStart
    ? `<p><a href="${escapeHtml(
        url.toString(),
      )}">Open the Services page to start it</a>; it is back in a moment.</p>`
    : `<p>Ask ${escapeHtml(owner)} to start it again.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${name} is stopped</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>${name} is stopped</h1>
<p>Knot stopped ${name}${escapeHtml(after)}. Nothing was deleted.</p>
${action}
</body></html>
`;
}
