/** The answer of `GET /api/knot/health`. */
export interface KnotHealth {
  /** Always `ok` when the backend answers at all. */
  status: 'ok';
  /** The version of the Knot backend plugin. */
  version: string;
  /** Whether the configured Kubernetes API server answered. */
  kubernetes: KubernetesHealth;
  /**
   * Audit entries that could not be written since the backend started (the
   * actions happened; each failure is also logged as an error).
   */
  auditWriteFailures?: number;
}

/** Reachability of the Kubernetes API server as seen by the Knot backend. */
export type KubernetesHealth =
  | { reachable: true; server: string; version: string }
  | { reachable: false; server?: string; error: string };
