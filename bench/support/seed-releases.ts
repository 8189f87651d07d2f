import { secretsDriver, type HelmRelease, type KubeApi } from '@platform/releases';
import { benchDecoder } from './cluster.js';
import { inParallel } from './stats.js';

/** Release names in a seeded namespace sort in creation order: `app-00001`, `app-00002`, … */
export const seededName = (index: number) => `app-${String(index).padStart(5, '0')}`;

/**
 * Helm storage records written directly, as Helm's secrets driver writes them, through the releases service's
 * own driver: installing thousands of releases with helm would take most of an hour.
 */
export class ReleaseSeeder {
  private readonly driver;

  /** `history` is every revision of one real release, ascending; each seeded release copies it under its own name. */
  constructor(
    api: KubeApi,
    private readonly history: HelmRelease[],
  ) {
    this.driver = secretsDriver(api, benchDecoder);
  }

  /** Writes releases `from`…`to - 1` into `namespace`, every revision of each. */
  async seed(namespace: string, from: number, to: number): Promise<void> {
    const records = [];
    for (let index = from; index < to; index += 1) {
      for (const revision of this.history) records.push(renamed(revision, seededName(index), namespace));
    }
    await inParallel(records, 16, (record) => this.driver.create(record));
  }
}

function renamed(release: HelmRelease, name: string, namespace: string): HelmRelease {
  const manifest = typeof release.manifest === 'string' ? release.manifest.replaceAll(release.name, name) : release.manifest;
  return { ...release, name, namespace, manifest };
}
