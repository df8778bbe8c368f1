import type {
  IArtifactEntry,
  IDescribeRun,
  IMetricSeries
} from '../../api/types';
import { PolledState, isActiveStatus } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * One run as its view shows it: the run, its metric histories and one folder
 * of its artifacts; refreshed quickly while the run is active.
 */
export class RunState extends PolledState {
  /**
   * @param options - The client, the run and the refresh intervals.
   */
  constructor(options: RunState.IOptions) {
    super({
      name: `jupyter-mlx:run-${options.runId}`,
      refreshInterval: options.refreshInterval,
      activeRefreshInterval: options.activeRefreshInterval
    });
    this._client = options.client;
    this.runId = options.runId;
  }

  /**
   * Id of the run.
   */
  readonly runId: string;

  /**
   * The run, or `null` before the first answer.
   */
  get run(): IDescribeRun | null {
    return this._run;
  }

  /**
   * The history of each metric of the run.
   */
  get metrics(): ReadonlyArray<IMetricSeries> {
    return this._metrics;
  }

  /**
   * The artifact folder shown; `''` for the root.
   */
  get artifactFolder(): string {
    return this._folder;
  }

  /**
   * The entries of the artifact folder shown, folders first.
   */
  get artifacts(): ReadonlyArray<IArtifactEntry> {
    return this._artifacts;
  }

  /**
   * Show another artifact folder. Never rejects: a failure is reported
   * through `error`.
   *
   * @param path - The folder, relative to the artifact root; `''` for the
   * root.
   */
  async browse(path: string): Promise<void> {
    this._folder = path;
    this._artifacts = [];
    this.emitChanged();
    await this.refresh();
  }

  protected get live(): boolean {
    return this._run !== null && isActiveStatus(this._run.status);
  }

  /**
   * Fetch the run, its metric histories and the artifact folder shown.
   *
   * @throws {MLXResponseError} 404 for an unknown run, 503 when the tracking
   * store is unreachable.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const folder = this._folder;
    const [run, histories, listing] = await Promise.all([
      this._client.getRun(this.runId),
      this._client.listRunMetrics(this.runId),
      this._client.listArtifacts(this.runId, folder)
    ]);
    this._run = run;
    this._metrics = histories.metrics;
    if (folder === this._folder) {
      this._artifacts = [...listing.files].sort(
        (a, b) =>
          Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path)
      );
    }
  }

  private _artifacts: IArtifactEntry[] = [];
  private _client: IMLXClient;
  private _folder = '';
  private _metrics: IMetricSeries[] = [];
  private _run: IDescribeRun | null = null;
}

/**
 * Types of `RunState`.
 */
export namespace RunState {
  /**
   * Options of a run state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Id of the run.
     */
    runId: string;
    /**
     * Seconds between two refreshes once the run has ended.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while the run is active.
     */
    activeRefreshInterval?: number;
  }
}
