import type { ISweep } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { DEFAULT_ACTIVE_INTERVAL } from './runs';

/**
 * One sweep as its view shows it: progress, trials and best trial,
 * refreshed about every second while it runs.
 */
export class SweepState extends PolledState {
  /**
   * @param options - The client, the sweep and the refresh intervals.
   */
  constructor(options: SweepState.IOptions) {
    super({
      name: `jupyter-mlx:sweep-${options.sweepId}`,
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    });
    this._client = options.client;
    this.sweepId = options.sweepId;
  }

  /**
   * Id of the sweep.
   */
  readonly sweepId: string;

  /**
   * The sweep, or `null` before the first answer.
   */
  get sweep(): ISweep | null {
    return this._sweep;
  }

  /**
   * The MLflow runs of the trials that have one, first trial first.
   */
  get mlflowRunIds(): string[] {
    return (this._sweep?.trials ?? [])
      .map(trial => trial.run.mlflow_run_id)
      .filter((id): id is string => id !== null);
  }

  /**
   * Show a newer state of the sweep (after a stop) at once.
   */
  update(sweep: ISweep): void {
    if (sweep.id === this.sweepId) {
      this._sweep = sweep;
      this.emitChanged();
    }
  }

  protected get live(): boolean {
    return this._sweep?.status === 'running';
  }

  /**
   * Fetch the sweep.
   *
   * @throws {MLXResponseError} 404 for an unknown sweep.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    this._sweep = await this._client.getSweep(this.sweepId);
  }

  private _client: IMLXClient;
  private _sweep: ISweep | null = null;
}

/**
 * Types of `SweepState`.
 */
export namespace SweepState {
  /**
   * Options of a sweep state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Id of the sweep.
     */
    sweepId: string;
    /**
     * Seconds between two refreshes once the sweep has ended.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while it runs.
     */
    activeRefreshInterval?: number;
  }
}
