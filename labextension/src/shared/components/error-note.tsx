import React from 'react';

/**
 * An error shown as an alert, or nothing when there is none.
 */
export function ErrorNote(props: {
  /**
   * The error's message, or `null`.
   */
  error: string | null;
  /**
   * Class names added to `jp-mlx-ErrorNote`, if any.
   */
  className?: string;
}): JSX.Element | null {
  if (props.error === null) {
    return null;
  }
  return (
    <div
      className={
        props.className
          ? `jp-mlx-ErrorNote ${props.className}`
          : 'jp-mlx-ErrorNote'
      }
      role="alert"
    >
      {props.error}
    </div>
  );
}
