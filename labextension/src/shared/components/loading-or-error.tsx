import React from 'react';

import { ErrorNote } from './error-note';

/**
 * What a view shows before its first answer: the error, or that it is loading.
 */
export function LoadingOrError(props: {
  /**
   * The view's class names; `Details` gets `-error` and `-loading` appended
   * for the message.
   */
  className: string;
  /**
   * The error of the last read, or `null`.
   */
  error: string | null;
  /**
   * The text shown while loading.
   */
  loading: string;
}): JSX.Element {
  return (
    <div className={`jp-mlx-Details ${props.className}`}>
      {props.error !== null ? (
        <ErrorNote error={props.error} className={`${props.className}-error`} />
      ) : (
        <p className={`jp-mlx-Note ${props.className}-loading`}>
          {props.loading}
        </p>
      )}
    </div>
  );
}
