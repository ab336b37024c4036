import { createRequire } from 'node:module';
import type * as k8s from '@kubernetes/client-node';

/** The `@kubernetes/client-node` module. */
export type ClientNode = typeof k8s;

let clientNode: ClientNode | undefined;

/**
 * Loads `@kubernetes/client-node` (ESM-only) through Node's own require,
 * which works from CommonJS and inside Jest (as knot-backend does; copied so
 * the webhook stays independent of the backend package).
 */
export function loadClientNode(): ClientNode {
  clientNode ??= createRequire(__filename)('@kubernetes/client-node');
  return clientNode!;
}
