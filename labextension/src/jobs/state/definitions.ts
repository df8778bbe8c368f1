import type { IJobDefinition } from '../../api/types';
import type { IMLXClient } from '../../tokens';
import { DEFAULT_ACTIVE_INTERVAL } from './runs';
import { WatchedPolledState } from './watched';

/**
 * The job definitions, as the Jobs section lists them under "Schedules":
 * every definition by name, refreshed about every second while one of them
 * has a run going and the list is shown, slowly otherwise.
 *
 * While `watching`, it keeps polling (slowly) when the list is hidden, so
 * that the ends of scheduled runs can be notified.
 */
export class JobDefinitionsState extends WatchedPolledState {
  /**
   * @param options - The client and refresh intervals.
   */
  constructor(options: JobDefinitionsState.IOptions) {
    super({
      name: 'jupyter-mlx:job-definitions',
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    });
    this._client = options.client;
  }

  /**
   * Whether to poll while the list is hidden (to notify run ends).
   */
  get watching(): boolean {
    return this._watching;
  }
  set watching(watching: boolean) {
    this._watching = watching;
    this.updatePolling();
  }

  /**
   * The definitions, by name.
   */
  get definitions(): ReadonlyArray<IJobDefinition> {
    return this._definitions;
  }

  /**
   * The definition to point out (the one just created), or `null`.
   */
  get highlighted(): string | null {
    return this._highlighted;
  }

  /**
   * Point out a definition in the list.
   */
  highlight(jobId: string | null): void {
    this._highlighted = jobId;
    this.emitChanged();
  }

  /**
   * Show a definition's newer state (after an action, a create or an edit)
   * without waiting for the next refresh.
   */
  upsert(definition: IJobDefinition): void {
    const others = this._definitions.filter(
      shown => shown.id !== definition.id
    );
    this._definitions = [...others, definition].sort((a, b) =>
      a.name.localeCompare(b.name)
    );
    this.emitChanged();
  }

  /**
   * Take a deleted definition out of the list.
   */
  remove(jobId: string): void {
    this._definitions = this._definitions.filter(
      definition => definition.id !== jobId
    );
    this.emitChanged();
  }

  protected get live(): boolean {
    return (
      this.shown &&
      this._definitions.some(definition => definition.active_runs > 0)
    );
  }

  /**
   * Fetch the definitions.
   *
   * @throws {MLXResponseError} the server's errors.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    this._definitions = (await this._client.listJobs()).jobs;
  }

  protected get pollWhileHidden(): boolean {
    return this._watching;
  }

  private _client: IMLXClient;
  private _definitions: IJobDefinition[] = [];
  private _highlighted: string | null = null;
  private _watching = false;
}

/**
 * Types of `JobDefinitionsState`.
 */
export namespace JobDefinitionsState {
  /**
   * Options of a job definitions state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes while no run is going (or the list is
     * hidden).
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a shown definition has a run
     * going.
     */
    activeRefreshInterval?: number;
  }
}
