import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import React, { useId } from 'react';

import type { IInvocation } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import type { TryItState } from '../state/try-it';
import { formatJSON, formatMilliseconds } from './format';

/**
 * Properties of the "Try it" box.
 */
export interface ITryItProps {
  /**
   * The request, as JSON text.
   */
  request: string;
  /**
   * Whether a request is in flight.
   */
  sending: boolean;
  /**
   * Whether the endpoint serves.
   */
  running: boolean;
  /**
   * The answer to the last request, or `null`.
   */
  answer: IInvocation | null;
  /**
   * Why the last request got no answer, or `null`.
   */
  failure: string | null;
  /**
   * The `curl` command sending the request.
   */
  curl: string;
  /**
   * Change the request.
   */
  onChange: (request: string) => void;
  /**
   * Send the request.
   */
  onSend: () => void;
  /**
   * Copy text to the clipboard.
   */
  onCopy: (text: string) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The "Try it" box: a JSON request (prefilled with the model's input
 * example) sent through Jupyter's proxy, the answer with its status and
 * latency, and the equivalent `curl` command to copy.
 */
export function TryIt(props: ITryItProps): JSX.Element {
  const { answer, trans } = props;
  const id = useId();
  return (
    <div className="jp-mlx-TryIt">
      <label htmlFor={`${id}-request`} className="jp-mlx-TryIt-label">
        {trans.__('Request (JSON)')}
      </label>
      <textarea
        id={`${id}-request`}
        className="jp-mlx-TryIt-request"
        value={props.request}
        rows={8}
        spellCheck={false}
        placeholder={trans.__('{"inputs": [[0.1, 0.2]]}')}
        onChange={event => props.onChange(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            props.onSend();
          }
        }}
      />
      <div className="jp-mlx-TryIt-actions">
        <Button
          small
          className="jp-mod-styled jp-mod-accept"
          disabled={!props.running || props.sending || !props.request.trim()}
          title={trans.__('POST the request to the endpoint (Ctrl+Enter)')}
          onClick={props.onSend}
        >
          {props.sending ? trans.__('Sending…') : trans.__('Send')}
        </Button>
        {!props.running && (
          <span className="jp-mlx-Note">
            {trans.__('The endpoint is not running.')}
          </span>
        )}
      </div>
      <ErrorNote error={props.failure} />
      {answer !== null && (
        <section
          className={`jp-mlx-TryIt-answer${answer.ok ? '' : ' jp-mod-error'}`}
          aria-label={trans.__('Response')}
        >
          <div className="jp-mlx-TryIt-status" role="status">
            {trans.__(
              'Status %1 in %2',
              answer.status,
              formatMilliseconds(answer.latency_ms)
            )}
            {answer.error !== null &&
              (answer.code !== null
                ? trans.__(' · %1: %2', answer.code, answer.error)
                : trans.__(' · %1', answer.error))}
          </div>
          <pre
            className="jp-mlx-TryIt-response"
            aria-label={trans.__('Response body')}
          >
            {formatJSON(answer.body)}
          </pre>
        </section>
      )}
      <div className="jp-mlx-TryIt-curl">
        <div className="jp-mlx-TryIt-curlHead">
          <span className="jp-mlx-TryIt-label">
            {trans.__('The same request with curl')}
          </span>
          <Button
            small
            minimal
            title={trans.__(
              'Copy the command; replace <TOKEN> with the server token'
            )}
            onClick={() => props.onCopy(props.curl)}
          >
            {trans.__('Copy curl')}
          </Button>
        </div>
        <pre
          className="jp-mlx-TryIt-command"
          aria-label={trans.__('curl command')}
        >
          {props.curl}
        </pre>
      </div>
    </div>
  );
}

/**
 * The "Try it" box following its state.
 */
export function LiveTryIt(props: {
  state: TryItState;
  running: boolean;
  onCopy: (text: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { state } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => (
        <TryIt
          request={state.request}
          sending={state.sending}
          running={props.running}
          answer={state.answer}
          failure={state.failure}
          curl={state.curl}
          onChange={request => (state.request = request)}
          onSend={() => void state.send()}
          onCopy={props.onCopy}
          trans={props.trans}
        />
      )}
    </UseSignal>
  );
}
