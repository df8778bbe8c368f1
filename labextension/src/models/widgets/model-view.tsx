import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { commandExecutor } from '../../core/commands';
import { CommandIDs as ExperimentsCommandIDs } from '../../experiments/commands';
import { CommandIDs as ServingCommandIDs } from '../../serving/commands';
import { ChartTheme } from '../../shared/charts/theme';
import { ChartStateWidget } from '../../shared/widgets/state-widget';
import type { IMLXClient } from '../../tokens';
import { VersionMetrics } from '../components/version-metrics';
import { ModelViewState } from '../state/model-view';

/**
 * The view of one registered model in the main area: its versions' metrics
 * side by side, as a grouped bar chart and a table. It reads the model at
 * once, then refreshes while shown.
 */
export class ModelView extends ChartStateWidget<ModelViewState> {
  /**
   * @param options - The client, the model, the command registry and the
   * translation bundle.
   */
  constructor(options: ModelView.IOptions) {
    const theme = options.theme ?? new ChartTheme(null);
    super({
      state: new ModelViewState({
        client: options.client,
        name: options.name,
        refreshInterval: options.refreshInterval
      }),
      theme,
      trans: options.trans
    });
    this._ownTheme = options.theme ? null : theme;
    this._execute = commandExecutor(options.commands);
    this.id = `mlx-model-${options.name}`;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-ModelView');
    this.title.label = this.trans.__('Model %1', options.name);
    this.title.caption = this.trans.__(
      'Registered model %1: the metrics of its versions',
      options.name
    );
    void this.state.start();
  }

  /**
   * The registered model shown.
   */
  get name(): string {
    return this.state.name;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._ownTheme?.dispose();
    super.dispose();
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    return (
      <VersionMetrics
        name={state.name}
        model={state.model}
        metricKeys={state.metricKeys}
        picked={state.picked}
        error={state.error?.message ?? null}
        refreshing={state.refreshing}
        colors={this.theme.colors}
        onPick={(key, picked) => state.pick(key, picked)}
        onOpenRun={runId =>
          this._execute(
            ExperimentsCommandIDs.openRun,
            { run_id: runId },
            'cannot open the run'
          )
        }
        onServe={(uri, name) =>
          this._execute(
            ServingCommandIDs.serveModel,
            { model_uri: uri, name },
            'cannot serve the model'
          )
        }
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _execute: ReturnType<typeof commandExecutor>;
  private _ownTheme: ChartTheme | null;
}

/**
 * Types of `ModelView`.
 */
export namespace ModelView {
  /**
   * Options of a model view.
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
     * The application's command registry: the view opens runs through it.
     */
    commands: CommandRegistry;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Chart colours of the theme, followed as it changes; without it the
     * view reads the colours in effect when it opens.
     */
    theme?: ChartTheme;
    /**
     * Seconds between two refreshes while the view is shown.
     */
    refreshInterval?: number;
  }
}
