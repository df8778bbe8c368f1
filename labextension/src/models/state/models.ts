import type {
  IDescribeModel,
  IModelHistory,
  IModelSummary
} from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * Most registered models listed at once; a search narrows the rest down.
 */
export const MAX_LISTED_MODELS = 200;

/**
 * What an expanded model shows: its versions and aliases, its alias history,
 * and why the last read of them failed.
 */
interface IExpandedModel {
  detail: IDescribeModel | null;
  history: IModelHistory | null;
  error: string | null;
}

/**
 * The registered models, as the Models section lists them: the models whose
 * name holds the search string, and the versions, aliases and alias history
 * of the models the user expanded, all refreshed together every
 * `refreshInterval` seconds while shown.
 *
 * A failure to read an expanded model is kept with that model (see
 * `detailError`); only a failure of the list is the state's `error`.
 */
export class ModelsState extends PolledState {
  /**
   * @param options - The client and the refresh interval.
   */
  constructor(options: ModelsState.IOptions) {
    super({ name: 'jupyter-mlx:models', refreshInterval: options.interval });
    this._client = options.client;
  }

  /**
   * Part of the name of the models listed; `''` lists them all. Setting it
   * refreshes the list at once.
   */
  get search(): string {
    return this._search;
  }
  set search(search: string) {
    if (search === this._search) {
      return;
    }
    this._search = search;
    this._generation += 1;
    this._listLoaded = false;
    this.emitChanged();
    void this.refresh();
  }

  /**
   * The registered models matching the search, by name.
   */
  get models(): ReadonlyArray<IModelSummary> {
    return this._models;
  }

  /**
   * Whether more models match the search than are listed.
   */
  get truncated(): boolean {
    return this._truncated;
  }

  /**
   * Whether the current search has been answered.
   */
  get loaded(): boolean {
    return this._listLoaded;
  }

  /**
   * Names of the expanded models, in the order they were expanded.
   */
  get expanded(): ReadonlyArray<string> {
    return [...this._expanded.keys()];
  }

  /**
   * Whether a model is expanded.
   */
  isExpanded(name: string): boolean {
    return this._expanded.has(name);
  }

  /**
   * Show a model's versions, aliases and history: read them now, then with
   * each refresh of the list. Never rejects: a failure is reported through
   * `detailError`.
   */
  async expand(name: string): Promise<void> {
    if (this.isDisposed || this._expanded.has(name)) {
      return;
    }
    this._expanded.set(name, { detail: null, history: null, error: null });
    this.emitChanged();
    await this._loadModel(name);
    this.emitChanged();
  }

  /**
   * Stop showing (and reading) a model's versions, aliases and history.
   */
  collapse(name: string): void {
    if (this._expanded.delete(name)) {
      this.emitChanged();
    }
  }

  /**
   * An expanded model's versions, aliases and default gates, or `null`
   * before they are read (or when the model is not expanded).
   */
  detail(name: string): IDescribeModel | null {
    return this._expanded.get(name)?.detail ?? null;
  }

  /**
   * An expanded model's alias history, newest first, or `null` before it is
   * read (or when the model is not expanded).
   */
  history(name: string): IModelHistory | null {
    return this._expanded.get(name)?.history ?? null;
  }

  /**
   * Why the last read of an expanded model failed (the server's message),
   * or `null`.
   */
  detailError(name: string): string | null {
    return this._expanded.get(name)?.error ?? null;
  }

  /**
   * Nothing the list shows runs: one refresh interval.
   */
  protected get live(): boolean {
    return false;
  }

  /**
   * Fetch the models matching the search, then the expanded ones listed.
   *
   * @throws {MLXResponseError} the server's errors about the list (e.g. 503
   * when the tracking store is unreachable).
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const generation = this._generation;
    const page = await this._client.listModels({
      search: this._search.trim(),
      max_results: MAX_LISTED_MODELS
    });
    if (generation !== this._generation) {
      return;
    }
    this._models = page.models;
    this._truncated = page.next_page_token !== null;
    this._listLoaded = true;
    const listed = new Set(page.models.map(model => model.name));
    await Promise.all(
      this.expanded
        .filter(name => listed.has(name))
        .map(name => this._loadModel(name))
    );
  }

  /**
   * Read an expanded model's description and history into its entry, unless
   * it was collapsed meanwhile.
   */
  private async _loadModel(name: string): Promise<void> {
    let read: IExpandedModel;
    try {
      const [detail, history] = await Promise.all([
        this._client.getModel(name),
        this._client.getModelHistory(name)
      ]);
      read = { detail, history, error: null };
    } catch (reason) {
      const shown = this._expanded.get(name);
      read = {
        detail: shown?.detail ?? null,
        history: shown?.history ?? null,
        error: reason instanceof Error ? reason.message : String(reason)
      };
    }
    if (this._expanded.has(name)) {
      this._expanded.set(name, read);
    }
  }

  private _client: IMLXClient;
  private _expanded = new Map<string, IExpandedModel>();
  private _generation = 0;
  private _listLoaded = false;
  private _models: IModelSummary[] = [];
  private _search = '';
  private _truncated = false;
}

/**
 * Types of `ModelsState`.
 */
export namespace ModelsState {
  /**
   * Options of a models state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes of the list and the expanded models.
     */
    interval?: number;
  }
}
