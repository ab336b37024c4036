/** Names of the Datashim Datasets of a namespace (their PVCs share the name). */
export interface DatasetLister {
  list(namespace: string): Promise<string[]>;
}

/** For tests and for clusters without Datashim. */
export class StaticDatasetLister implements DatasetLister {
  constructor(private readonly byNamespace: Record<string, string[]> = {}) {}
  async list(namespace: string): Promise<string[]> {
    return this.byNamespace[namespace] ?? [];
  }
}
