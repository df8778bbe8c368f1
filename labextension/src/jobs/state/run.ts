import type { IJobRun } from '../../api/types';
import { LogFollower } from '../../shared/state/log-follower';
import { PolledState } from '../../shared/state/polled';
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
export class JobRunState extends PolledState {
  /**
   * @param options - The client, the run and the refresh intervals.
   */
  constructor(options: JobRunState.IOptions) {
    super({
      name: `jupyter-mlx:job-run-${options.runId}`,
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    });
    this._client = options.client;
    this.runId = options.runId;
    this._log = new LogFollower({
      read: offset => this._client.readJobRunLog(this.runId, offset),
      maxChars: MAX_LOG_CHARS,
      appended: () => this.emitChanged()
    });
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
   * The log read so far (its last `MAX_LOG_CHARS` characters).
   */
  get log(): string {
    return this._log.text;
  }

  /**
   * The byte offset to read the log on from.
   */
  get logOffset(): number {
    return this._log.offset;
  }

  /**
   * Whether the run has ended and its whole log was read.
   */
  get logComplete(): boolean {
    return this._log.complete;
  }

  /**
   * Whether the beginning of a long log was dropped.
   */
  get logTruncated(): boolean {
    return this._log.truncated;
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
      (isActiveJobStatus(this._run.status) || !this._log.complete)
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
      this._log.complete ? Promise.resolve() : this._log.readOn()
    ]);
    this._run = run;
  }

  private _client: IMLXClient;
  private _log: LogFollower;
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
