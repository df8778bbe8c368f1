import type { ICompareRunsResponse } from '../../api/types';
import { PolledState, isActiveStatus } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * A comparison of runs: their aligned metric histories and parameters,
 * refreshed quickly while one of them is active.
 */
export class RunComparisonState extends PolledState {
  /**
   * @param options - The client, the runs and the refresh intervals.
   */
  constructor(options: RunComparisonState.IOptions) {
    super({
      name: 'jupyter-mlx:run-comparison',
      refreshInterval: options.refreshInterval,
      activeRefreshInterval: options.activeRefreshInterval
    });
    this._client = options.client;
    this.runIds = [...options.runIds];
  }

  /**
   * Ids of the compared runs.
   */
  readonly runIds: ReadonlyArray<string>;

  /**
   * The comparison, or `null` before the first answer.
   */
  get comparison(): ICompareRunsResponse | null {
    return this._comparison;
  }

  /**
   * The name of a compared run: its run name, else its id.
   */
  runName(runId: string): string {
    const run = this._comparison?.runs.find(r => r.run_id === runId);
    return run?.run_name || runId;
  }

  protected get live(): boolean {
    return (
      this._comparison?.runs.some(run => isActiveStatus(run.status)) ?? false
    );
  }

  /**
   * Fetch the comparison.
   *
   * @throws {MLXResponseError} 400 for a bad request, 404 for an unknown run,
   * 503 when the tracking store is unreachable.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    this._comparison = await this._client.compareRuns({
      run_ids: [...this.runIds]
    });
  }

  private _client: IMLXClient;
  private _comparison: ICompareRunsResponse | null = null;
}

/**
 * Types of `RunComparisonState`.
 */
export namespace RunComparisonState {
  /**
   * Options of a run comparison state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Ids of the runs to compare (1 to 50).
     */
    runIds: ReadonlyArray<string>;
    /**
     * Seconds between two refreshes once every run has ended.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a run is active.
     */
    activeRefreshInterval?: number;
  }
}
