import type { ISweepSummary } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { DEFAULT_ACTIVE_INTERVAL } from './runs';

/**
 * Most sweeps the Jobs section lists.
 */
export const MAX_LISTED_SWEEPS = 10;

/**
 * The recent sweeps, as the Jobs section lists them: their progress and
 * best value, refreshed about every second while one is running.
 */
export class SweepsState extends PolledState {
  /**
   * @param options - The client and refresh intervals.
   */
  constructor(options: SweepsState.IOptions) {
    super({
      name: 'jupyter-mlx:sweeps',
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    });
    this._client = options.client;
  }

  /**
   * The most recent sweeps, newest first (at most `MAX_LISTED_SWEEPS`).
   */
  get sweeps(): ReadonlyArray<ISweepSummary> {
    return this._sweeps;
  }

  protected get live(): boolean {
    return this._sweeps.some(sweep => sweep.status === 'running');
  }

  /**
   * Fetch the sweeps.
   *
   * @throws {MLXResponseError} the server's errors.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const { sweeps } = await this._client.listSweeps();
    this._sweeps = sweeps.slice(0, MAX_LISTED_SWEEPS);
  }

  private _client: IMLXClient;
  private _sweeps: ISweepSummary[] = [];
}

/**
 * Types of `SweepsState`.
 */
export namespace SweepsState {
  /**
   * Options of a sweeps state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes while no sweep runs.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a sweep runs.
     */
    activeRefreshInterval?: number;
  }
}
