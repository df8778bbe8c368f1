import { Clipboard, Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { commandExecutor } from '../../core/commands';
import { ChartTheme } from '../../shared/charts/theme';
import { ChartStateWidget } from '../../shared/widgets/state-widget';
import type { IMLXClient } from '../../tokens';
import { CommandIDs } from '../commands';
import { EndpointDetails } from '../components/endpoint-details';
import { EndpointViewState } from '../state/endpoint-view';
import { TryItState } from '../state/try-it';

/**
 * The view of one endpoint in the main area: its state and versions, its
 * traffic, latency and drift charts (refreshed every couple of seconds
 * while shown), its latest requests, the traffic split and the "Try it"
 * box.
 */
export class EndpointView extends ChartStateWidget<EndpointViewState> {
  /**
   * @param options - The client, the endpoint, the command registry and
   * the translation bundle.
   */
  constructor(options: EndpointView.IOptions) {
    const theme = options.theme ?? new ChartTheme(null);
    super({
      state: new EndpointViewState({
        client: options.client,
        name: options.name,
        refreshInterval: options.refreshInterval
      }),
      theme,
      trans: options.trans
    });
    this._ownTheme = options.theme ? null : theme;
    this._execute = commandExecutor(options.commands);
    this.tryIt = new TryItState({ client: options.client, name: options.name });
    this.state.changed.connect(this._prefill, this);
    this.id = `mlx-endpoint-${options.name}`;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-EndpointView');
    this.title.label = this.trans.__('Endpoint %1', options.name);
    this.title.caption = this.trans.__(
      'Endpoint %1: its traffic, latency, drift and requests',
      options.name
    );
    void this.state.start();
  }

  /**
   * The "Try it" box (the view owns it).
   */
  readonly tryIt: TryItState;

  /**
   * The endpoint shown.
   */
  get name(): string {
    return this.state.name;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.tryIt.dispose();
    this._ownTheme?.dispose();
    super.dispose();
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    const trans = this.trans;
    const run = (command: string, failure: string): void =>
      this._execute(command, { name: state.name }, failure);
    return (
      <EndpointDetails
        name={state.name}
        endpoint={state.endpoint}
        buckets={state.buckets}
        log={state.log}
        drift={state.drift}
        error={state.error?.message ?? null}
        monitorError={state.monitorError}
        refreshing={state.refreshing}
        splitting={state.splitting}
        splitError={state.splitError}
        tryIt={this.tryIt}
        colors={this.theme.colors}
        onOpen={() => undefined}
        onRestart={() =>
          run(CommandIDs.restartEndpoint, 'cannot restart the endpoint')
        }
        onStop={() => run(CommandIDs.stopEndpoint, 'cannot stop the endpoint')}
        onDelete={() =>
          run(CommandIDs.deleteEndpoint, 'cannot delete the endpoint')
        }
        onApplyCanary={(uri, percent) => void state.applyCanary(uri, percent)}
        onPromoteCanary={() => void state.promoteCanary()}
        onDropCanary={() => void state.dropCanary()}
        onCopy={text => {
          Clipboard.copyToSystem(text);
          Notification.info(trans.__('Copied the curl command'), {
            autoClose: 3000
          });
        }}
        onRefresh={() => void state.refresh()}
        trans={trans}
      />
    );
  }

  /**
   * Prefill "Try it" with the model's example once it is known.
   */
  private _prefill(): void {
    this.tryIt.prefill(this.state.endpoint?.example_request ?? null);
  }

  private _execute: ReturnType<typeof commandExecutor>;
  private _ownTheme: ChartTheme | null;
}

/**
 * Types of `EndpointView`.
 */
export namespace EndpointView {
  /**
   * Options of an endpoint view.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The endpoint.
     */
    name: string;
    /**
     * The application's command registry: the view's actions on the
     * endpoint are commands.
     */
    commands: CommandRegistry;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Chart colours of the theme, followed as it changes.
     */
    theme?: ChartTheme;
    /**
     * Seconds between two refreshes while the view is shown (default 2).
     */
    refreshInterval?: number;
  }
}
