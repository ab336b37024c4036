import type { CoreV1Event } from '@kubernetes/client-node';
import type { KnotServiceEvent } from '@knot-platform/plugin-knot-common';
import { eventTime } from './serviceHealth';

/** A Kubernetes event as the Services page shows it. */
export function toKnotServiceEvent(e: CoreV1Event): KnotServiceEvent {
  const time = eventTime(e);
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
    count: e.count ?? e.series?.count ?? 1,
    lastSeen: time ? new Date(time).toISOString() : '',
  };
}
