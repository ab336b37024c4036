import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  readChartDir,
  type ChartInfo,
  type ChartSource,
} from '@knot-platform/plugin-knot-node';

/**
 * Charts unpacked in a folder, one sub-folder per chart: the bundled
 * `charts/`, the knot plugin's default source. Broken charts are skipped
 * with a warning.
 */
export class LocalChartSource implements ChartSource {
  constructor(
    private readonly dir: string,
    private readonly source: string,
    private readonly logger?: LoggerService,
  ) {}

  async list(): Promise<ChartInfo[]> {
    const entries = await fs
      .readdir(this.dir, { withFileTypes: true })
      .catch(() => []);
    const charts: ChartInfo[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(this.dir, entry.name);
      try {
        charts.push(await readChartDir(dir, this.source));
      } catch (e) {
        this.logger?.warn(`Skipping chart ${dir}: ${(e as Error).message}`);
      }
    }
    return charts;
  }
}
