import { type ISignal, Signal } from '@lumino/signaling';

import type { IJobRun, IListJobRunsQuery, JobRunStatus } from '../../api/types';
import { PageTokens } from '../../shared/state/page-tokens';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { isActiveJobStatus } from '../status';
import { WatchedPolledState } from './watched';

/**
 * Default number of runs per page (the settings schema's default).
 */
export const DEFAULT_PAGE_SIZE = 25;

/**
 * Bounds of the page size (the settings schema's bounds).
 */
export const MIN_PAGE_SIZE = 5;
export const MAX_PAGE_SIZE = 200;

/**
 * Default seconds between two refreshes while a run is queued or running.
 */
export const DEFAULT_ACTIVE_INTERVAL = 1;

/**
 * The job runs of all notebooks, as the Jobs section lists them: a page of
 * runs, newest first, filtered by notebook and status; refreshed about every
 * second while a run is queued or running, slowly otherwise.
 *
 * It also watches the runs submitted from this page (`watch`), even while
 * the section is hidden, and emits `finished` once for each when it ends.
 * Changing a filter or the page size goes back to the first page.
 */
export class JobRunsState extends WatchedPolledState {
  /**
   * @param options - The client, page size and refresh intervals.
   */
  constructor(options: JobRunsState.IOptions) {
    super({
      name: 'jupyter-mlx:job-runs',
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    });
    this._client = options.client;
    this._pageSize = JobRunsState.pageSize(
      options.pageSize ?? DEFAULT_PAGE_SIZE
    );
    this.jobId = options.jobId ?? null;
  }

  /**
   * Only runs of this job (a definition's); `null` for the runs of all jobs.
   */
  readonly jobId: string | null;

  /**
   * Emitted once for each watched run, with the run, when it has ended.
   */
  get finished(): ISignal<this, IJobRun> {
    return this._finished;
  }

  /**
   * Only runs of this notebook (server path); `null` for all notebooks.
   */
  get notebook(): string | null {
    return this._notebook;
  }
  set notebook(path: string | null) {
    if (path === this._notebook) {
      return;
    }
    this._notebook = path;
    this._restart();
  }

  /**
   * Only runs in this status; `null` for all statuses.
   */
  get status(): JobRunStatus | null {
    return this._status;
  }
  set status(status: JobRunStatus | null) {
    if (status === this._status) {
      return;
    }
    this._status = status;
    this._restart();
  }

  /**
   * Number of runs per page, between `MIN_PAGE_SIZE` and `MAX_PAGE_SIZE`.
   */
  get pageSize(): number {
    return this._pageSize;
  }
  set pageSize(size: number) {
    const pageSize = JobRunsState.pageSize(size);
    if (pageSize === this._pageSize) {
      return;
    }
    this._pageSize = pageSize;
    this._restart();
  }

  /**
   * The runs of the current page, newest first.
   */
  get runs(): ReadonlyArray<IJobRun> {
    return this._runs;
  }

  /**
   * Runs matching the filters, on all pages.
   */
  get total(): number {
    return this._total;
  }

  /**
   * The notebooks of the runs seen so far (and the notebook filtered on),
   * sorted: the choices of the notebook filter.
   */
  get notebooks(): ReadonlyArray<string> {
    const notebooks = new Set(this._notebooks);
    if (this._notebook !== null) {
      notebooks.add(this._notebook);
    }
    return [...notebooks].sort();
  }

  /**
   * Whether the current query has been answered.
   */
  get loaded(): boolean {
    return this._pageLoaded;
  }

  /**
   * Zero-based index of the current page.
   */
  get pageIndex(): number {
    return this._pages.index;
  }

  /**
   * Whether there is a page after this one.
   */
  get hasNextPage(): boolean {
    return this._pages.hasNext;
  }

  /**
   * Whether there is a page before this one.
   */
  get hasPreviousPage(): boolean {
    return this._pages.hasPrevious;
  }

  /**
   * The query of the current page.
   */
  get query(): IListJobRunsQuery {
    return {
      notebook: this._notebook,
      job_id: this.jobId,
      status: this._status === null ? [] : [this._status],
      max_results: this._pageSize,
      page_token: this._pages.current
    };
  }

  /**
   * The run to point out (the one just submitted), or `null`.
   */
  get highlighted(): string | null {
    return this._highlighted;
  }

  /**
   * Point out a run in the list.
   */
  highlight(runId: string | null): void {
    this._highlighted = runId;
    this.emitChanged();
  }

  /**
   * Ids of the runs watched until they end.
   */
  get watched(): ReadonlyArray<string> {
    return [...this._watched.keys()];
  }

  /**
   * Watch a run submitted from this page: `finished` is emitted when it
   * ends. The run is shown at once, refreshing the list soon after.
   */
  watch(run: IJobRun): void {
    if (!isActiveJobStatus(run.status)) {
      this._finished.emit(run);
      return;
    }
    this._watched.set(run.id, run);
    this.upsert(run);
    this.updatePolling();
    void this.refresh();
  }

  /**
   * Show a run's newer state (after a stop, or a create) without waiting
   * for the next refresh; a new run of the current filters goes first.
   */
  upsert(run: IJobRun): void {
    this._notebooks.add(run.notebook);
    const index = this._runs.findIndex(shown => shown.id === run.id);
    if (index !== -1) {
      this._runs = this._runs.map(shown => (shown.id === run.id ? run : shown));
    } else if (this.pageIndex === 0 && this._matches(run)) {
      this._runs = [run, ...this._runs];
      this._total++;
    }
    this.emitChanged();
  }

  /**
   * Take a deleted run out of the list.
   */
  remove(runId: string): void {
    const before = this._runs.length;
    this._runs = this._runs.filter(run => run.id !== runId);
    if (this._runs.length < before) {
      this._total = Math.max(0, this._total - 1);
    }
    this._watched.delete(runId);
    this.emitChanged();
  }

  /**
   * Show the next page. Never rejects: a failure is reported through `error`.
   */
  async nextPage(): Promise<void> {
    if (this._pages.forward()) {
      await this.refresh();
    }
  }

  /**
   * Show the previous page. Never rejects: a failure is reported through
   * `error`.
   */
  async previousPage(): Promise<void> {
    if (this._pages.back()) {
      await this.refresh();
    }
  }

  protected get live(): boolean {
    return (
      this._watched.size > 0 ||
      (this.shown && this._runs.some(run => isActiveJobStatus(run.status)))
    );
  }

  /**
   * Fetch the current page while shown, and the watched runs it lacks.
   *
   * @throws {MLXResponseError} the server's errors (e.g. 400 for a stale
   * page token).
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    let listed: IJobRun[] = [];
    if (this.shown) {
      const generation = this._pages.generation;
      const page = await this._client.listJobRuns(this.query);
      if (generation === this._pages.generation) {
        this._runs = page.runs;
        this._total = page.total;
        this._pages.next = page.next_page_token;
        this._pageLoaded = true;
        page.runs.forEach(run => this._notebooks.add(run.notebook));
      }
      listed = page.runs;
    }
    await this._checkWatched(listed);
  }

  /**
   * Update the watched runs from the page, fetching those it lacks; emit
   * `finished` for each that has ended.
   */
  private async _checkWatched(listed: IJobRun[]): Promise<void> {
    const ids = [...this._watched.keys()];
    if (ids.length === 0) {
      return;
    }
    const byId = new Map(listed.map(run => [run.id, run]));
    const fetched = await Promise.all(
      ids.map(async id => {
        const run = byId.get(id);
        if (run) {
          return run;
        }
        try {
          return await this._client.getJobRun(id);
        } catch (reason) {
          if (describeFailure(reason).status === 404) {
            // Deleted meanwhile: nothing to tell.
            this._watched.delete(id);
            return null;
          }
          throw reason;
        }
      })
    );
    for (const run of fetched) {
      if (run === null || !this._watched.has(run.id)) {
        continue;
      }
      if (isActiveJobStatus(run.status)) {
        this._watched.set(run.id, run);
        continue;
      }
      this._watched.delete(run.id);
      if (this.shown) {
        this.upsert(run);
      }
      this._finished.emit(run);
    }
    this.updatePolling();
  }

  /**
   * Whether a run belongs to the current filters.
   */
  private _matches(run: IJobRun): boolean {
    return (
      (this._notebook === null || run.notebook === this._notebook) &&
      (this.jobId === null || run.job_id === this.jobId) &&
      (this._status === null || run.status === this._status)
    );
  }

  protected get pollWhileHidden(): boolean {
    return this._watched.size > 0;
  }

  /**
   * Go back to the first page of a new query and fetch it.
   */
  private _restart(): void {
    this._pages.reset();
    this._runs = [];
    this._total = 0;
    this._pageLoaded = false;
    this.emitChanged();
    void this.refresh();
  }

  private _client: IMLXClient;
  private _finished = new Signal<this, IJobRun>(this);
  private _highlighted: string | null = null;
  private _notebook: string | null = null;
  private _notebooks = new Set<string>();
  private _pageLoaded = false;
  private _pageSize: number;
  private _pages = new PageTokens();
  private _runs: IJobRun[] = [];
  private _status: JobRunStatus | null = null;
  private _total = 0;
  private _watched = new Map<string, IJobRun>();
}

/**
 * Types and helpers of `JobRunsState`.
 */
export namespace JobRunsState {
  /**
   * Options of a job runs state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Only runs of this job; default: the runs of all jobs.
     */
    jobId?: string | null;
    /**
     * Runs per page; defaults to `DEFAULT_PAGE_SIZE`.
     */
    pageSize?: number;
    /**
     * Seconds between two refreshes while no run is active.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a run is queued or running.
     */
    activeRefreshInterval?: number;
  }

  /**
   * A page size made valid: an integer between the bounds.
   */
  export function pageSize(size: number): number {
    if (!Number.isFinite(size)) {
      return DEFAULT_PAGE_SIZE;
    }
    return Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, Math.round(size)));
  }
}
