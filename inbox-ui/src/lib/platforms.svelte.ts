import { platformListResponse, type PlatformInfo } from '@velvet/shared/contract';
import { session } from './session.svelte';

/**
 * What the hub says of each platform (`GET /api/platforms`): its name, how accounts connect,
 * its posting rules as data. The one place the UI learns a platform's name or rules; loaded
 * once per sign-in, read reactively by every screen.
 */
class PlatformCatalog {
  list = $state<PlatformInfo[]>([]);
  #loading: Promise<void> | null = null;

  /** Loads the list once (again after a failure); resolves when it is known. */
  load(): Promise<void> {
    this.#loading ??= session.request(platformListResponse, '/api/platforms').then((result) => {
      if (result.ok) this.list = result.data.platforms;
      else this.#loading = null;
    });
    return this.#loading;
  }

  /** Forgets the list (signed out): the next sign-in reads it again. */
  reset() {
    this.#loading = null;
    this.list = [];
  }

  info(platform: string): PlatformInfo | undefined {
    return this.list.find((p) => p.platform === platform);
  }
}

export const platformCatalog = new PlatformCatalog();

/** A platform's name as the hub's descriptor writes it (its id until the list has loaded). */
export function platformName(platform: string): string {
  return platformCatalog.info(platform)?.label ?? platform;
}
