import { createRequire } from 'node:module';
import type * as k8s from '@kubernetes/client-node';

/** The `@kubernetes/client-node` module. */
export type ClientNode = typeof k8s;

let clientNode: ClientNode | undefined;

/**
 * Loads `@kubernetes/client-node`, which is ESM-only, from this CommonJS
 * package. Node >= 22.12 loads ESM with a plain require(); going through
 * Node's own require (not the caller's) also works inside Jest, whose module
 * sandbox cannot run dynamic import() without --experimental-vm-modules.
 */
export function loadClientNode(): ClientNode {
  clientNode ??= createRequire(__filename)('@kubernetes/client-node');
  return clientNode!;
}
