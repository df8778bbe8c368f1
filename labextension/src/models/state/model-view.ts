import type { IDescribeModel } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { keyMetrics } from '../metrics';

/**
 * One registered model as its view shows it: its versions with their runs'
 * metrics, and the metrics picked to compare them on.
 *
 * Until the user picks metrics, the model's key metrics are picked.
 */
export class ModelViewState extends PolledState {
  /**
   * @param options - The client, the model and the refresh interval.
   */
  constructor(options: ModelViewState.IOptions) {
    super({
      name: `jupyter-mlx:model-${options.name}`,
      refreshInterval: options.refreshInterval
    });
    this._client = options.client;
    this.name = options.name;
  }

  /**
   * The registered model's name.
   */
  readonly name: string;

  /**
   * The model, or `null` before the first answer.
   */
  get model(): IDescribeModel | null {
    return this._model;
  }

  /**
   * Every metric key of the versions' runs, sorted.
   */
  get metricKeys(): ReadonlyArray<string> {
    const keys = new Set<string>();
    for (const version of this._model?.versions ?? []) {
      Object.keys(version.metrics).forEach(key => keys.add(key));
    }
    return [...keys].sort();
  }

  /**
   * The metrics compared, in the order of `metricKeys`.
   */
  get picked(): ReadonlyArray<string> {
    if (this._picked === null) {
      return this._model === null ? [] : keyMetrics(this._model);
    }
    const picked = this._picked;
    return this.metricKeys.filter(key => picked.has(key));
  }

  /**
   * Compare the versions on a metric, or stop comparing them on it.
   */
  pick(key: string, picked: boolean): void {
    const keys = new Set(this.picked);
    if (picked) {
      keys.add(key);
    } else {
      keys.delete(key);
    }
    this._picked = keys;
    this.emitChanged();
  }

  protected get live(): boolean {
    return false;
  }

  /**
   * Fetch the model.
   *
   * @throws {MLXResponseError} 404 for an unknown model, 503 when the
   * tracking store is unreachable.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    this._model = await this._client.getModel(this.name);
  }

  private _client: IMLXClient;
  private _model: IDescribeModel | null = null;
  private _picked: Set<string> | null = null;
}

/**
 * Types of `ModelViewState`.
 */
export namespace ModelViewState {
  /**
   * Options of a model view's state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The registered model.
     */
    name: string;
    /**
     * Seconds between two refreshes while the view is shown.
     */
    refreshInterval?: number;
  }
}
