import { type ISignal, Signal } from '@lumino/signaling';

import type { IJobRun, IReproduction } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import { isActiveJobStatus } from '../../jobs/status';
import type { IMLXClient } from '../../tokens';

/**
 * Whether a job run has ended (a status it does not leave).
 */
function hasEnded(run: IJobRun): boolean {
  return !isActiveJobStatus(run.status);
}

/**
 * The reproduction of one MLflow run: asks the server to run it again as a
 * job run, then follows that job run until it ends, so that a successful
 * one can be compared with the original.
 *
 * Unlike the run's own state it keeps polling while its view is hidden
 * (the job run's view is usually in front meanwhile), and stops asking once
 * the job run has ended.
 */
export class ReproductionState extends PolledState {
  /**
   * @param options - The client, the run reproduced and the refresh
   * intervals.
   */
  constructor(options: ReproductionState.IOptions) {
    super({
      name: `jupyter-mlx:reproduction-${options.runId}`,
      refreshInterval: options.refreshInterval,
      activeRefreshInterval: options.activeRefreshInterval
    });
    this._client = options.client;
    this.runId = options.runId;
  }

  /**
   * The MLflow run reproduced.
   */
  readonly runId: string;

  /**
   * Emitted once when the job run of a reproduction ends, with that run.
   */
  get ended(): ISignal<this, IJobRun> {
    return this._ended;
  }

  /**
   * Whether the request to reproduce is in flight.
   */
  get submitting(): boolean {
    return this._submitting;
  }

  /**
   * Why the server refused (or could not be asked) to reproduce the run, as
   * one line; `null` after a reproduction started.
   */
  get failure(): string | null {
    return this._failure;
  }

  /**
   * The latest reproduction started from this view, or `null`.
   */
  get reproduction(): IReproduction | null {
    return this._reproduction;
  }

  /**
   * The reproduction's job run as last read, or `null`.
   */
  get jobRun(): IJobRun | null {
    return this._jobRun;
  }

  /**
   * The MLflow runs to compare, the original first, once the reproduction's
   * job run has succeeded and tracked its run; `null` before.
   */
  get comparison(): [string, string] | null {
    const run = this._jobRun;
    return run?.status === 'succeeded' && run.mlflow_run_id
      ? [this.runId, run.mlflow_run_id]
      : null;
  }

  /**
   * Ask the server to reproduce the run, then follow its job run. Never
   * rejects: a refusal is reported through `failure`.
   *
   * @returns The reproduction, or `null` when the server refused it.
   */
  async reproduce(): Promise<IReproduction | null> {
    if (this._submitting || this.isDisposed) {
      return null;
    }
    this._submitting = true;
    this._failure = null;
    this.emitChanged();
    try {
      const reproduction = await this._client.reproduceRun(this.runId);
      this._reproduction = reproduction;
      this._jobRun = reproduction.job_run;
      this._told = false;
      this._tellEnd();
      return reproduction;
    } catch (reason) {
      this._failure = reason instanceof Error ? reason.message : String(reason);
      return null;
    } finally {
      this._submitting = false;
      this.emitChanged();
      if (this._reproduction !== null) {
        void this._follow();
      }
    }
  }

  protected get live(): boolean {
    return this._jobRun !== null && !hasEnded(this._jobRun);
  }

  /**
   * Read the reproduction's job run until it has ended.
   *
   * @throws {MLXResponseError} 404 when the job run was deleted.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const run = this._jobRun;
    if (run === null || hasEnded(run)) {
      return;
    }
    const read = await this._client.getJobRun(run.id);
    if (read.id === this._jobRun?.id) {
      this._jobRun = read;
      this._tellEnd();
    }
  }

  /**
   * Follow the job run: start polling, or refresh at once when a previous
   * reproduction started the poll already.
   */
  private async _follow(): Promise<void> {
    if (this._following) {
      await this.refresh();
    } else {
      this._following = true;
      await this.start();
    }
  }

  private _tellEnd(): void {
    const run = this._jobRun;
    if (run !== null && hasEnded(run) && !this._told) {
      this._told = true;
      this._ended.emit(run);
    }
  }

  private _client: IMLXClient;
  private _ended = new Signal<this, IJobRun>(this);
  private _failure: string | null = null;
  private _following = false;
  private _jobRun: IJobRun | null = null;
  private _reproduction: IReproduction | null = null;
  private _submitting = false;
  private _told = false;
}

/**
 * Types of `ReproductionState`.
 */
export namespace ReproductionState {
  /**
   * Options of a reproduction state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The MLflow run to reproduce.
     */
    runId: string;
    /**
     * Seconds between two reads once nothing runs.
     */
    refreshInterval?: number;
    /**
     * Seconds between two reads while the job run is active.
     */
    activeRefreshInterval?: number;
  }
}
