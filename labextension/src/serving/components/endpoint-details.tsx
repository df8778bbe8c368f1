import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type {
  IEndpoint,
  IEndpointBucket,
  IEndpointDrift,
  IEndpointRequestRecord
} from '../../api/types';
import type { IChartColors } from '../../shared/charts/theme';
import { ErrorNote } from '../../shared/components/error-note';
import { LoadingOrError } from '../../shared/components/loading-or-error';
import { RefreshButton } from '../../shared/components/refresh-button';
import type { SplitAction } from '../state/endpoint-view';
import type { TryItState } from '../state/try-it';
import type { IEndpointActions } from './endpoint-actions';
import { EndpointButtons } from './endpoint-buttons';
import {
  EndpointCharts,
  EndpointDrift,
  EndpointRequestLog
} from './endpoint-monitor';
import { EndpointStateBadge } from './endpoint-state';
import { EndpointVersions } from './endpoint-versions';
import { LiveTryIt } from './try-it';
import { TrafficSplit } from './traffic-split';

/**
 * Properties of an endpoint's view.
 */
export interface IEndpointDetailsProps extends IEndpointActions {
  /**
   * The endpoint's name.
   */
  name: string;
  /**
   * The endpoint, or `null` before the first answer.
   */
  endpoint: IEndpoint | null;
  /**
   * Its traffic per second over the last 15 minutes.
   */
  buckets: ReadonlyArray<IEndpointBucket>;
  /**
   * Its latest requests, newest first.
   */
  log: ReadonlyArray<IEndpointRequestRecord>;
  /**
   * Its input drift, or `null` before it is read.
   */
  drift: IEndpointDrift | null;
  /**
   * The message of the last read's error, or `null`.
   */
  error: string | null;
  /**
   * Why its traffic, requests or drift could not be read, or `null`.
   */
  monitorError: string | null;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * The change of the traffic split being sent, or `null`.
   */
  splitting: SplitAction | null;
  /**
   * Why the last change of the split was refused.
   */
  splitError: { message: string; field: string | null } | null;
  /**
   * The "Try it" box.
   */
  tryIt: TryItState;
  /**
   * The theme's chart colours.
   */
  colors: IChartColors;
  /**
   * Split the traffic with a canary.
   */
  onApplyCanary: (modelUri: string, percent: number) => void;
  /**
   * Make the canary's version the primary.
   */
  onPromoteCanary: () => void;
  /**
   * Send every request to the primary again.
   */
  onDropCanary: () => void;
  /**
   * Copy text to the clipboard.
   */
  onCopy: (text: string) => void;
  /**
   * Refresh now.
   */
  onRefresh: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The view of an endpoint: its state, model and URLs, the versions it
 * serves, hot reload, the failure with the end of its log; its traffic,
 * latency and per-version charts, input drift and latest requests; the
 * traffic split; and the "Try it" box.
 */
export function EndpointDetails(props: IEndpointDetailsProps): JSX.Element {
  const { endpoint, trans } = props;
  if (endpoint === null) {
    return (
      <LoadingOrError
        className="jp-mlx-EndpointDetails"
        error={props.error}
        loading={trans.__('Loading endpoint %1…', props.name)}
      />
    );
  }
  const running = endpoint.state === 'running';
  return (
    <div
      className="jp-mlx-Details jp-mlx-EndpointDetails"
      aria-busy={props.refreshing}
    >
      <header className="jp-mlx-Details-header jp-mlx-EndpointDetails-header">
        <h2 className="jp-mlx-Details-title jp-mlx-EndpointDetails-title">
          {trans.__('Endpoint %1', endpoint.name)}
        </h2>
        <EndpointStateBadge state={endpoint.state} trans={trans} />
        <EndpointButtons
          {...props}
          endpoint={endpoint}
          showOpen={false}
          trans={trans}
        />
        <RefreshButton
          label={trans.__('Refresh endpoint %1', endpoint.name)}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </header>
      <ErrorNote error={props.error} />
      <EndpointFacts endpoint={endpoint} trans={trans} />
      <EndpointProblems endpoint={endpoint} trans={trans} />
      <section aria-label={trans.__('Versions')}>
        <h3>{trans.__('Versions')}</h3>
        <EndpointVersions endpoint={endpoint} trans={trans} />
      </section>
      {running && (
        <section
          aria-label={trans.__('Traffic')}
          className="jp-mlx-EndpointDetails-traffic"
        >
          <h3>{trans.__('Traffic')}</h3>
          <ErrorNote error={props.monitorError} />
          <EndpointCharts
            buckets={props.buckets}
            colors={props.colors}
            trans={trans}
          />
        </section>
      )}
      <div className="jp-mlx-EndpointDetails-columns">
        <section aria-label={trans.__('Try it')}>
          <h3>{trans.__('Try it')}</h3>
          <LiveTryIt
            state={props.tryIt}
            running={running}
            onCopy={props.onCopy}
            trans={trans}
          />
        </section>
        <section aria-label={trans.__('Traffic split')}>
          <h3>{trans.__('Traffic split')}</h3>
          <TrafficSplit
            endpoint={endpoint}
            splitting={props.splitting}
            error={props.splitError}
            onApply={props.onApplyCanary}
            onPromote={props.onPromoteCanary}
            onDrop={props.onDropCanary}
            trans={trans}
          />
        </section>
      </div>
      {running && (
        <>
          <section aria-label={trans.__('Input drift')}>
            <h3>{trans.__('Input drift')}</h3>
            <EndpointDrift
              drift={props.drift}
              colors={props.colors}
              trans={trans}
            />
          </section>
          <section aria-label={trans.__('Latest requests')}>
            <h3>{trans.__('Latest requests')}</h3>
            <EndpointRequestLog records={props.log} trans={trans} />
          </section>
        </>
      )}
    </div>
  );
}

/**
 * The model, URLs, batching and process of an endpoint.
 */
function EndpointFacts(props: {
  endpoint: IEndpoint;
  trans: TranslationBundle;
}): JSX.Element {
  const { endpoint, trans } = props;
  return (
    <dl
      className="jp-mlx-Facts jp-mlx-EndpointFacts"
      aria-label={trans.__('About %1', endpoint.name)}
    >
      <dt>{trans.__('Model')}</dt>
      <dd className="jp-mlx-EndpointFacts-model">{endpoint.model_uri}</dd>
      <dt>{trans.__('Through Jupyter')}</dt>
      <dd>
        <code>{`/${endpoint.proxy_path}invocations`}</code>
      </dd>
      <dt>{trans.__('Direct')}</dt>
      <dd>
        {endpoint.url ? (
          <code>{`${endpoint.url}/invocations`}</code>
        ) : (
          trans.__('not running')
        )}
      </dd>
      <dt>{trans.__('Batching')}</dt>
      <dd>
        {trans.__(
          'window %1 ms, at most %2 rows',
          endpoint.batch_window_ms,
          endpoint.max_batch_rows
        )}
      </dd>
      <dt>{trans.__('Process')}</dt>
      <dd>
        {endpoint.pid === null
          ? trans.__('none')
          : trans._n(
              'pid %2, port %3, restarted %1 time',
              'pid %2, port %3, restarted %1 times',
              endpoint.restarts,
              endpoint.pid,
              endpoint.port ?? '–'
            )}
      </dd>
      {endpoint.reload !== null && (
        <>
          <dt>{trans.__('Hot reload')}</dt>
          <dd className="jp-mlx-EndpointFacts-reload">
            {describeReload(endpoint.reload, trans)}
          </dd>
        </>
      )}
    </dl>
  );
}

/**
 * What the reload of an alias served is doing.
 */
function describeReload(
  reload: NonNullable<IEndpoint['reload']>,
  trans: TranslationBundle
): string {
  if (reload.loading) {
    return trans.__('loading %1 beside the serving version…', reload.loading);
  }
  const checked = reload.checked_at
    ? new Date(reload.checked_at).toLocaleTimeString()
    : trans.__('not yet');
  const reloaded = reload.reloaded_at
    ? trans.__(
        ', last reloaded %1',
        new Date(reload.reloaded_at).toLocaleString()
      )
    : '';
  return reload.interval_s > 0
    ? trans.__(
        'alias checked every %1 s (last %2)%3',
        reload.interval_s,
        checked,
        reloaded
      )
    : trans.__('when told of an alias move (last %1)%2', checked, reloaded);
}

/**
 * A failed reload (the old version keeps serving), and the failure of a
 * crashed or failed process with the end of its log.
 */
function EndpointProblems(props: {
  endpoint: IEndpoint;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { endpoint, trans } = props;
  const reloadError = endpoint.reload?.error ?? null;
  const down = endpoint.state === 'failed' || endpoint.state === 'crashed';
  if (reloadError === null && !down) {
    return null;
  }
  return (
    <div className="jp-mlx-EndpointProblems">
      {reloadError !== null && (
        <ErrorNote
          error={trans.__(
            'Reload failed, the previous version keeps serving: %1',
            reloadError
          )}
          className="jp-mlx-EndpointProblems-reload"
        />
      )}
      {down && (
        <section
          aria-label={trans.__('Failure')}
          className="jp-mlx-EndpointProblems-failure"
        >
          <ErrorNote
            error={
              endpoint.state === 'failed'
                ? trans.__(
                    'The endpoint kept crashing and is no longer restarted: %1',
                    endpoint.last_error ?? trans.__('no message')
                  )
                : trans.__(
                    'The endpoint crashed and is restarted: %1',
                    endpoint.last_error ?? trans.__('no message')
                  )
            }
          />
          {endpoint.log_tail.length > 0 && (
            <pre
              className="jp-mlx-EndpointProblems-log"
              aria-label={trans.__('End of the process log')}
            >
              {endpoint.log_tail.join('\n')}
            </pre>
          )}
        </section>
      )}
    </div>
  );
}
