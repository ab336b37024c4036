import https from 'node:https';
import type * as k8s from '@kubernetes/client-node';
import type { ClientNode } from './loadClientNode';

/**
 * A client-node configuration whose requests share one keep-alive agent.
 * client-node makes a new agent (a new TLS handshake) for every request:
 * under many users, the handshakes of the portal's per-page lists dominated
 * the Kubernetes calls' cost (bench/scale). Headers (tokens) are still
 * applied per request; the shared agent takes the first agent's TLS options
 * (CA, client certificate).
 */
export function keepAliveConfiguration(
  lib: ClientNode,
  kc: k8s.KubeConfig,
): k8s.Configuration {
  let agent: https.Agent | undefined;
  const auth = {
    getName: () => 'default',
    async applySecurityAuthentication(context: k8s.RequestContext) {
      await kc.applySecurityAuthentication(context);
      const fresh = context.getAgent() as https.Agent | undefined;
      if (fresh instanceof https.Agent) {
        agent ??= new https.Agent({
          ...(fresh as unknown as { options: https.AgentOptions }).options,
          keepAlive: true,
        });
        context.setAgent(agent);
      }
    },
  };
  return lib.createConfiguration({
    baseServer: new lib.ServerConfiguration(kc.getCurrentCluster()!.server, {}),
    authMethods: { default: auth },
  });
}
