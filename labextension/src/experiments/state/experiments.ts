import type { IListRunsQuery, IRunSummary } from '../../api/types';
import { PageTokens } from '../../shared/state/page-tokens';
import {
  PolledState,
  describeFailure,
  isActiveStatus
} from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

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
 * How the runs are sorted.
 */
export type RunOrder =
  /** By start time. */
  | { by: 'start_time'; ascending: boolean }
  /** By the last value of a metric; runs without it come last. */
  | { by: 'metric'; key: string; ascending: boolean };

/**
 * Newest runs first: the default order.
 */
export const NEWEST_FIRST: RunOrder = { by: 'start_time', ascending: false };

/**
 * The runs of the active notebook, as the Experiments section lists them: a
 * page of runs matching a search filter, in a chosen order, refreshed quickly
 * while a listed run is active.
 *
 * Changing the notebook, the filter, the order or the page size goes back to
 * the first page. A filter the server rejects (400) is reported through
 * `filterError` and is not polled again until it changes.
 */
export class ExperimentsState extends PolledState {
  /**
   * @param options - The client, page size and refresh intervals.
   */
  constructor(options: ExperimentsState.IOptions) {
    super({
      name: 'jupyter-mlx:experiments',
      refreshInterval: options.refreshInterval,
      activeRefreshInterval: options.activeRefreshInterval
    });
    this._client = options.client;
    this._pageSize = ExperimentsState.pageSize(
      options.pageSize ?? DEFAULT_PAGE_SIZE
    );
  }

  /**
   * Server path of the notebook whose runs are listed, or `null` when no
   * notebook is open (nothing is listed).
   */
  get notebook(): string | null {
    return this._notebook;
  }
  set notebook(path: string | null) {
    if (path === this._notebook) {
      return;
    }
    this._notebook = path;
    this._selected.clear();
    this._restart();
  }

  /**
   * MLflow search filter, e.g. `metrics.loss < 0.1`; `''` for all runs.
   */
  get filter(): string {
    return this._filter;
  }
  set filter(filter: string) {
    if (filter === this._filter) {
      return;
    }
    this._filter = filter;
    this._restart();
  }

  /**
   * The order of the runs.
   */
  get order(): RunOrder {
    return this._order;
  }
  set order(order: RunOrder) {
    this._order = order;
    this._restart();
  }

  /**
   * Number of runs per page, between `MIN_PAGE_SIZE` and `MAX_PAGE_SIZE`.
   */
  get pageSize(): number {
    return this._pageSize;
  }
  set pageSize(size: number) {
    const pageSize = ExperimentsState.pageSize(size);
    if (pageSize === this._pageSize) {
      return;
    }
    this._pageSize = pageSize;
    this._restart();
  }

  /**
   * The runs of the current page.
   */
  get runs(): ReadonlyArray<IRunSummary> {
    return this._runs;
  }

  /**
   * The metric keys of the listed runs, sorted, to sort by.
   */
  get metricKeys(): ReadonlyArray<string> {
    const keys = new Set<string>();
    for (const run of this._runs) {
      Object.keys(run.metrics).forEach(key => keys.add(key));
    }
    if (this._order.by === 'metric') {
      keys.add(this._order.key);
    }
    return [...keys].sort();
  }

  /**
   * Whether the current query has been answered (or rejected).
   */
  get loaded(): boolean {
    return this._pageLoaded;
  }

  /**
   * The server's message about a rejected filter or order, or `null`.
   */
  get filterError(): string | null {
    return this._filterError;
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
  get query(): IListRunsQuery {
    return {
      notebook: this._notebook,
      filter: this._filter.trim(),
      order_by: ExperimentsState.orderBy(this._order),
      max_results: this._pageSize,
      page_token: this._pages.current
    };
  }

  /**
   * Ids of the selected runs, in the order they were selected; the
   * selection is kept across pages and refreshes.
   */
  get selected(): ReadonlyArray<string> {
    return [...this._selected];
  }

  /**
   * Select or unselect a run.
   */
  setSelected(runId: string, selected: boolean): void {
    if (selected) {
      this._selected.add(runId);
    } else {
      this._selected.delete(runId);
    }
    this.emitChanged();
  }

  /**
   * Unselect every run.
   */
  clearSelection(): void {
    this._selected.clear();
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
    return this._runs.some(run => isActiveStatus(run.status));
  }

  /**
   * Fetch the current page.
   *
   * @throws {MLXResponseError} the server's errors other than a rejected
   * filter (e.g. 503 when the tracking store is unreachable).
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const query = this.query;
    const key = JSON.stringify(query);
    if (query.notebook === null || key === this._rejectedQuery) {
      this._pageLoaded = true;
      return;
    }
    const generation = this._pages.generation;
    try {
      const page = await this._client.listRuns(query);
      if (generation !== this._pages.generation) {
        return;
      }
      this._runs = page.runs;
      this._pages.next = page.next_page_token;
      this._filterError = null;
      this._pageLoaded = true;
    } catch (reason) {
      if (generation !== this._pages.generation) {
        return;
      }
      const { status, field } = describeFailure(reason);
      if (status === 400 && (field === 'filter' || field === 'order_by')) {
        this._rejectedQuery = key;
        this._filterError = (reason as Error).message;
        this._runs = [];
        this._pages.next = null;
        this._pageLoaded = true;
        return;
      }
      throw reason;
    }
  }

  /**
   * Go back to the first page of a new query and fetch it.
   */
  private _restart(): void {
    this._pages.reset();
    this._runs = [];
    this._filterError = null;
    this._rejectedQuery = null;
    this._pageLoaded = false;
    this.emitChanged();
    void this.refresh();
  }

  private _client: IMLXClient;
  private _filter = '';
  private _filterError: string | null = null;
  private _notebook: string | null = null;
  private _order: RunOrder = NEWEST_FIRST;
  private _pageLoaded = false;
  private _pageSize: number;
  private _pages = new PageTokens();
  private _rejectedQuery: string | null = null;
  private _runs: IRunSummary[] = [];
  private _selected = new Set<string>();
}

/**
 * Types and helpers of `ExperimentsState`.
 */
export namespace ExperimentsState {
  /**
   * Options of an experiments state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Runs per page; defaults to `DEFAULT_PAGE_SIZE`.
     */
    pageSize?: number;
    /**
     * Seconds between two refreshes while no listed run is active.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a listed run is active.
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

  /**
   * The `order_by` clauses of an order; ties go to the newest run.
   */
  export function orderBy(order: RunOrder): string[] {
    const direction = order.ascending ? 'ASC' : 'DESC';
    if (order.by === 'start_time') {
      return [`attributes.start_time ${direction}`];
    }
    const key = order.key.replace(/`/g, '');
    return [`metrics.\`${key}\` ${direction}`, 'attributes.start_time DESC'];
  }
}
