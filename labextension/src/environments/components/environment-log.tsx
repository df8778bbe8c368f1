import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React, { useLayoutEffect, useRef } from 'react';

import { ErrorNote } from '../../shared/components/error-note';
import type { EnvironmentLogState } from '../state/log';

/**
 * How close to its end (in pixels) the log must be scrolled to follow new
 * output.
 */
const FOLLOW_SLACK_PX = 24;

/**
 * Properties of an environment's log.
 */
export interface IEnvironmentLogProps {
  /**
   * The environment's name.
   */
  name: string;
  /**
   * The log read so far.
   */
  log: string;
  /**
   * Whether nothing runs and the whole log was read.
   */
  complete: boolean;
  /**
   * Whether the beginning of the log was dropped.
   */
  truncated: boolean;
  /**
   * Whether an install runs.
   */
  running: boolean;
  /**
   * The message of the last read's error, or `null`.
   */
  error: string | null;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * An environment's lock and install log, following new output while
 * scrolled to its end.
 */
export function EnvironmentLog(props: IEnvironmentLogProps): JSX.Element {
  const { log, complete, truncated, running, trans } = props;
  const node = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    const pre = node.current;
    if (pre && following.current) {
      pre.scrollTop = pre.scrollHeight;
    }
  }, [log]);
  let placeholder = '';
  if (!log) {
    if (running || !complete) {
      placeholder = trans.__('Waiting for output…');
    } else {
      placeholder = trans.__('Nothing was logged.');
    }
  }
  return (
    <div className="jp-mlx-EnvironmentLog">
      <ErrorNote error={props.error} />
      {truncated && (
        <p className="jp-mlx-Note">
          {trans.__('The beginning of the log is not shown.')}
        </p>
      )}
      <pre
        ref={node}
        className="jp-mlx-EnvironmentLog-text"
        aria-label={trans.__('Log of %1', props.name)}
        data-complete={complete}
        tabIndex={0}
        onScroll={event => {
          const pre = event.currentTarget;
          following.current =
            pre.scrollHeight - pre.scrollTop - pre.clientHeight <
            FOLLOW_SLACK_PX;
        }}
      >
        {log || placeholder}
      </pre>
    </div>
  );
}

/**
 * The log of a log state, rendered again whenever it changes.
 */
export function LiveEnvironmentLog(props: {
  state: EnvironmentLogState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => (
        <EnvironmentLog
          name={state.name}
          log={state.log}
          complete={state.logComplete}
          truncated={state.logTruncated}
          running={state.environment.state === 'installing'}
          error={state.error?.message ?? null}
          trans={trans}
        />
      )}
    </UseSignal>
  );
}
