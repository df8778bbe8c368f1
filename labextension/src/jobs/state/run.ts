import type { IJobRun, IJobRunLog } from '../../api/types';
import { LogFollowingState } from '../../shared/state/log-follower';
import type { IMLXClient } from '../../tokens';
import { isActiveJobStatus } from '../status';
import { DEFAULT_ACTIVE_INTERVAL } from './runs';

/**
 * Most characters of the log kept (and shown); older text is dropped.
 */
export const MAX_LOG_CHARS = 2 * 1024 * 1024;

/**
 * One job run as its view shows it: the run with its attempts, and its log,
 * tailed from the last offset read. Refreshed about every second while the
 * run is active or its log is not read to the end; once the run has ended
 * and its whole log was read, the log is not asked for again.
 */
export class JobRunState extends LogFollowingState {
  /**
   * @param options - The client, the run and the refresh intervals.
   */
  constructor(options: JobRunState.IOptions) {
    super({
      name: `jupyter-mlx:job-run-${options.runId}`,
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL,
      maxLogChars: MAX_LOG_CHARS
    });
    this._client = options.client;
    this.runId = options.runId;
  }

  /**
   * Id of the job run.
   */
  readonly runId: string;

  /**
   * The run, or `null` before the first answer.
   */
  get run(): IJobRun | null {
    return this._run;
  }

  /**
   * Show a newer state of the run (after a stop) at once.
   */
  update(run: IJobRun): void {
    if (run.id === this.runId) {
      this._run = run;
      this.emitChanged();
    }
  }

  protected get live(): boolean {
    return (
      this._run !== null &&
      (isActiveJobStatus(this._run.status) || !this.logComplete)
    );
  }

  /**
   * Fetch the run and the log written since the last refresh.
   *
   * @throws {MLXResponseError} 404 for an unknown run.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const [run] = await Promise.all([
      this._client.getJobRun(this.runId),
      this.logComplete ? Promise.resolve() : this.followedLog.readOn()
    ]);
    this._run = run;
  }

  protected readLog(offset: number): Promise<IJobRunLog> {
    return this._client.readJobRunLog(this.runId, offset);
  }

  /**
   * Show each piece of the log as soon as it is read.
   */
  protected logAppended(): void {
    this.emitChanged();
  }

  private _client: IMLXClient;
  private _run: IJobRun | null = null;
}

/**
 * Types of `JobRunState`.
 */
export namespace JobRunState {
  /**
   * Options of a job run state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Id of the job run.
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
