import type { IDescribeConfig } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * Default seconds between two refreshes of the server status.
 */
export const DEFAULT_REFRESH_INTERVAL = 30;

/**
 * Smallest refresh interval in seconds (the settings schema's minimum).
 */
export const MIN_REFRESH_INTERVAL = 5;

/**
 * The server status shown in the MLX sidebar: the answer of
 * `GET /mlx/api/config`, refreshed every `refreshInterval` seconds.
 *
 * Polling stands by while the browser tab is hidden or the owner marks the
 * status inactive (its section is not visible), and backs off while the
 * server answers errors.
 */
export class ServerStatusState extends PolledState {
  /**
   * @param options - The client to query and the refresh interval.
   */
  constructor(options: ServerStatusState.IOptions) {
    super({
      name: 'jupyter-mlx:server-status',
      refreshInterval: options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
      minInterval: MIN_REFRESH_INTERVAL
    });
    this._client = options.client;
  }

  /**
   * The last configuration the server answered, or `null` before the first
   * successful answer. It is kept while later refreshes fail.
   */
  get config(): IDescribeConfig | null {
    return this._config;
  }

  /**
   * Fetch the configuration.
   *
   * @throws {MLXResponseError} when the server answers with an error status
   * (404 when the server extension is not enabled).
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    this._config = await this._client.getConfig();
  }

  /**
   * The server status has no running state: it refreshes at one interval.
   */
  protected get live(): boolean {
    return false;
  }

  private _client: IMLXClient;
  private _config: IDescribeConfig | null = null;
}

/**
 * Types of `ServerStatusState`.
 */
export namespace ServerStatusState {
  /**
   * Options of a server status state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes; defaults to `DEFAULT_REFRESH_INTERVAL`.
     */
    refreshInterval?: number;
  }
}
