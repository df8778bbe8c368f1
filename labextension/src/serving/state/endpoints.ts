import type { IEndpoint } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * Requests an endpoint answered, and when that was read.
 */
interface ICount {
  requests: number;
  at: number;
}

/**
 * The endpoints, as the Endpoints section lists them: each with its state,
 * model and versions, and its requests per second over the last refresh.
 * Refreshed every `refreshInterval` seconds while shown, faster while an
 * endpoint is starting or serves.
 */
export class EndpointsState extends PolledState {
  /**
   * @param options - The client and the refresh intervals.
   */
  constructor(options: EndpointsState.IOptions) {
    super({
      name: 'jupyter-mlx:endpoints',
      refreshInterval: options.interval,
      activeRefreshInterval: options.activeInterval
    });
    this._client = options.client;
  }

  /**
   * The endpoints, by name.
   */
  get endpoints(): ReadonlyArray<IEndpoint> {
    return this._endpoints;
  }

  /**
   * An endpoint's requests per second between the last two refreshes, or
   * `null` before two reads of it while it serves.
   */
  rate(name: string): number | null {
    return this._rates.get(name) ?? null;
  }

  /**
   * Whether an endpoint is starting or serves: its state and traffic change.
   */
  protected get live(): boolean {
    return this._endpoints.some(
      endpoint => endpoint.state === 'starting' || endpoint.state === 'running'
    );
  }

  /**
   * Fetch the endpoints and work out their request rates.
   *
   * @throws {MLXResponseError} 503 when the store is unreachable.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const { endpoints } = await this._client.listEndpoints();
    const now = Date.now();
    const counts = new Map<string, ICount>();
    const rates = new Map<string, number>();
    for (const endpoint of endpoints) {
      if (endpoint.state !== 'running') {
        continue;
      }
      const requests = endpoint.versions.reduce(
        (sum, version) => sum + version.requests,
        0
      );
      counts.set(endpoint.name, { requests, at: now });
      const before = this._counts.get(endpoint.name);
      if (before && now > before.at && requests >= before.requests) {
        rates.set(
          endpoint.name,
          ((requests - before.requests) * 1000) / (now - before.at)
        );
      }
    }
    this._endpoints = [...endpoints].sort((a, b) =>
      a.name.localeCompare(b.name)
    );
    this._counts = counts;
    this._rates = rates;
  }

  private _client: IMLXClient;
  private _counts = new Map<string, ICount>();
  private _endpoints: IEndpoint[] = [];
  private _rates = new Map<string, number>();
}

/**
 * Types of `EndpointsState`.
 */
export namespace EndpointsState {
  /**
   * Options of the endpoints state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes while no endpoint serves.
     */
    interval?: number;
    /**
     * Seconds between two refreshes while an endpoint starts or serves.
     */
    activeInterval?: number;
  }
}
