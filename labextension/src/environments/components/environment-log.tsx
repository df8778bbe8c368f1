import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { ErrorNote } from '../../shared/components/error-note';
import { FollowedLog } from '../../shared/components/followed-log';
import type { EnvironmentLogState } from '../state/log';

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
      <FollowedLog
        log={log}
        placeholder={placeholder}
        complete={complete}
        truncated={truncated}
        label={trans.__('Log of %1', props.name)}
        className="jp-mlx-EnvironmentLog-text"
        trans={trans}
      />
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
