import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useState } from 'react';

import type { IEndpoint } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import type { SplitAction } from '../state/endpoint-view';

/**
 * Default share of a new canary.
 */
const DEFAULT_PERCENT = 10;

/**
 * Properties of the traffic split control.
 */
export interface ITrafficSplitProps {
  /**
   * The endpoint.
   */
  endpoint: IEndpoint;
  /**
   * The change being sent, or `null`.
   */
  splitting: SplitAction | null;
  /**
   * Why the last change was refused, and the field at fault.
   */
  error: { message: string; field: string | null } | null;
  /**
   * Send a share of the requests to a canary.
   */
  onApply: (modelUri: string, percent: number) => void;
  /**
   * Make the canary's version the primary.
   */
  onPromote: () => void;
  /**
   * Send every request to the primary again.
   */
  onDrop: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The traffic split of an endpoint: a canary model URI and its share of
 * the requests; Apply, Promote canary, Drop canary.
 */
export function TrafficSplit(props: ITrafficSplitProps): JSX.Element {
  const { endpoint, trans } = props;
  const canary = endpoint.canary;
  const [modelUri, setModelUri] = useState(canary?.model_uri ?? '');
  const [percent, setPercent] = useState(
    String(canary?.percent ?? DEFAULT_PERCENT)
  );
  useEffect(() => {
    setModelUri(canary?.model_uri ?? '');
    setPercent(String(canary?.percent ?? DEFAULT_PERCENT));
  }, [canary?.model_uri, canary?.percent]);
  const id = useId();
  const running = endpoint.state === 'running';
  const busy = props.splitting !== null;
  const share = Number(percent);
  const validShare =
    percent.trim() !== '' &&
    Number.isInteger(share) &&
    share >= 0 &&
    share <= 100;
  const fieldError = (field: string): string | undefined =>
    props.error && props.error.field === field
      ? props.error.message
      : undefined;
  const uriError = fieldError('canary_model_uri');
  const percentError =
    fieldError('canary_percent') ??
    (validShare ? undefined : trans.__('A whole percent from 0 to 100.'));
  const otherError =
    props.error &&
    uriError === undefined &&
    fieldError('canary_percent') === undefined
      ? props.error.message
      : null;
  return (
    <form
      className="jp-mlx-TrafficSplit"
      aria-label={trans.__('Traffic split')}
      aria-busy={busy}
      onSubmit={event => {
        event.preventDefault();
        if (validShare && modelUri.trim()) {
          props.onApply(modelUri.trim(), share);
        }
      }}
    >
      <p className="jp-mlx-TrafficSplit-now">
        {canary
          ? trans.__(
              '%1% of the requests go to the canary %2, the rest to %3.',
              canary.percent,
              canary.model_uri,
              endpoint.model_uri
            )
          : trans.__('Every request goes to %1.', endpoint.model_uri)}
      </p>
      <div className="jp-mlx-TrafficSplit-fields">
        <div className="jp-mlx-TrafficSplit-field">
          <label htmlFor={`${id}-uri`}>{trans.__('Canary model URI')}</label>
          <input
            id={`${id}-uri`}
            type="text"
            className="jp-mlx-TrafficSplit-uri"
            value={modelUri}
            placeholder={trans.__('e.g. models:/churn/4')}
            spellCheck={false}
            aria-invalid={uriError !== undefined}
            aria-describedby={uriError ? `${id}-uri-error` : undefined}
            onChange={event => setModelUri(event.target.value)}
          />
          {uriError && (
            <div
              id={`${id}-uri-error`}
              className="jp-mlx-TrafficSplit-error"
              role="alert"
            >
              {uriError}
            </div>
          )}
        </div>
        <div className="jp-mlx-TrafficSplit-field">
          <label htmlFor={`${id}-percent`}>{trans.__('Canary percent')}</label>
          <input
            id={`${id}-percent`}
            type="number"
            min={0}
            max={100}
            step={1}
            className="jp-mlx-TrafficSplit-percent"
            value={percent}
            aria-invalid={percentError !== undefined}
            aria-describedby={percentError ? `${id}-percent-error` : undefined}
            onChange={event => setPercent(event.target.value)}
          />
          {percentError && (
            <div
              id={`${id}-percent-error`}
              className="jp-mlx-TrafficSplit-error"
              role="alert"
            >
              {percentError}
            </div>
          )}
        </div>
      </div>
      <ErrorNote error={otherError} />
      <div className="jp-mlx-TrafficSplit-actions">
        <Button
          type="submit"
          small
          disabled={!running || busy || !validShare || !modelUri.trim()}
          title={trans.__('Send this share of the requests to the canary')}
        >
          {props.splitting === 'apply'
            ? trans.__('Applying…')
            : trans.__('Apply')}
        </Button>
        <Button
          type="button"
          small
          disabled={!running || busy || canary === null}
          title={trans.__(
            "Make the canary's version the primary (an alias served is moved to it)"
          )}
          onClick={props.onPromote}
        >
          {trans.__('Promote canary')}
        </Button>
        <Button
          type="button"
          small
          disabled={!running || busy || canary === null}
          title={trans.__('Send every request to the primary again')}
          onClick={props.onDrop}
        >
          {trans.__('Drop canary')}
        </Button>
      </div>
    </form>
  );
}
