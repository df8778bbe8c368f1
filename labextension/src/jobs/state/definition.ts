import type {
  ICompareRunsResponse,
  IJobDefinition,
  IJobRun
} from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { isActiveJobStatus } from '../status';
import { DEFAULT_ACTIVE_INTERVAL, JobRunsState } from './runs';

/**
 * Most recent runs the strip and the metric chart of a definition show (the
 * most runs one comparison takes).
 */
export const RECENT_RUNS = 50;

/**
 * One job definition as its view shows it: the definition, its recent runs
 * (the strip), the metrics their MLflow runs logged (the chart), and the
 * paged runs table (`runs`). Refreshed about every second while a run of it
 * is going.
 */
export class JobDefinitionState extends PolledState {
  /**
   * @param options - The client, the definition and the refresh intervals.
   */
  constructor(options: JobDefinitionState.IOptions) {
    const intervals = {
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    };
    super({ name: `jupyter-mlx:job-${options.jobId}`, ...intervals });
    this._client = options.client;
    this.jobId = options.jobId;
    this.runs = new JobRunsState({
      client: options.client,
      jobId: options.jobId,
      ...intervals
    });
  }

  /**
   * Id of the definition.
   */
  readonly jobId: string;

  /**
   * The definition's runs, as its runs table pages them.
   */
  readonly runs: JobRunsState;

  /**
   * The definition, or `null` before the first answer.
   */
  get definition(): IJobDefinition | null {
    return this._definition;
  }

  /**
   * Its most recent runs, oldest first.
   */
  get recentRuns(): ReadonlyArray<IJobRun> {
    return this._recent;
  }

  /**
   * The metrics of the ended recent runs' MLflow runs, or `null` while
   * fewer than two have one.
   */
  get comparison(): ICompareRunsResponse | null {
    return this._comparison;
  }

  /**
   * Why the metrics could not be read, or `null`.
   */
  get comparisonError(): string | null {
    return this._comparisonError;
  }

  /**
   * Whether the view is shown (its runs table follows).
   */
  get active(): boolean {
    return super.active;
  }
  set active(active: boolean) {
    super.active = active;
    this.runs.active = active;
  }

  get refreshInterval(): number {
    return super.refreshInterval;
  }
  set refreshInterval(seconds: number) {
    super.refreshInterval = seconds;
    this.runs.refreshInterval = seconds;
  }

  get activeRefreshInterval(): number {
    return super.activeRefreshInterval;
  }
  set activeRefreshInterval(seconds: number) {
    super.activeRefreshInterval = seconds;
    this.runs.activeRefreshInterval = seconds;
  }

  /**
   * Start refreshing the definition and its runs table.
   */
  async start(): Promise<void> {
    await Promise.all([super.start(), this.runs.start()]);
  }

  /**
   * Show a newer state of the definition (after an action) at once.
   */
  update(definition: IJobDefinition): void {
    if (definition.id === this.jobId) {
      this._definition = definition;
      this.emitChanged();
    }
  }

  dispose(): void {
    this.runs.dispose();
    super.dispose();
  }

  protected get live(): boolean {
    return (
      (this._definition?.active_runs ?? 0) > 0 ||
      this._recent.some(run => isActiveJobStatus(run.status))
    );
  }

  /**
   * Fetch the definition and its recent runs, and the metrics of their
   * MLflow runs when the ended ones changed.
   *
   * @throws {MLXResponseError} 404 for an unknown definition.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const [definition, page] = await Promise.all([
      this._client.getJob(this.jobId),
      this._client.listRunsOfJob(this.jobId, { max_results: RECENT_RUNS })
    ]);
    this._definition = definition;
    this._recent = [...page.runs].reverse();
    const tracked = this._recent
      .filter(run => !isActiveJobStatus(run.status) && run.mlflow_run_id)
      .map(run => run.mlflow_run_id!);
    const key = tracked.join(',');
    if (key === this._comparedKey) {
      return;
    }
    // The metrics of ended runs do not change: compare again only when
    // another run ended. The chart's failure (the tracking store down) is
    // its own: the rest of the view stays live.
    try {
      this._comparison =
        tracked.length < 2
          ? null
          : await this._client.compareRuns({ run_ids: tracked });
      this._comparisonError = null;
      this._comparedKey = key;
    } catch (reason) {
      this._comparisonError = (reason as Error).message ?? String(reason);
    }
  }

  private _client: IMLXClient;
  private _comparedKey: string | null = null;
  private _comparison: ICompareRunsResponse | null = null;
  private _comparisonError: string | null = null;
  private _definition: IJobDefinition | null = null;
  private _recent: IJobRun[] = [];
}

/**
 * Types of `JobDefinitionState`.
 */
export namespace JobDefinitionState {
  /**
   * Options of a job definition state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Id of the definition.
     */
    jobId: string;
    /**
     * Seconds between two refreshes while no run of it is going.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a run of it is going.
     */
    activeRefreshInterval?: number;
  }
}
