/**
 * Access to the real Kubernetes API server the test command started (its
 * kubeconfig in KUBECONFIG).
 *
 * Outside the test command (a plain `yarn test` with no cluster) cluster
 * suites are skipped — unless KNOT_REQUIRE_CLUSTER is set, as the test command
 * sets it, in which case a missing cluster is an error instead of a silent skip.
 */
export function testKubeconfig(): string | undefined {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig && process.env.KNOT_REQUIRE_CLUSTER) {
    throw new Error(
      'KNOT_REQUIRE_CLUSTER is set but KUBECONFIG is not: start the cluster with dev/cluster/cluster.sh up',
    );
  }
  return kubeconfig;
}

/** `describe` when a cluster is available, `describe.skip` otherwise. */
export const describeWithCluster = testKubeconfig() ? describe : describe.skip;
