import { Button, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

/**
 * The icon button refreshing a view now, disabled while a refresh is in
 * flight.
 */
export function RefreshButton(props: {
  /**
   * Its tooltip and accessible name.
   */
  label: string;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * Refresh now.
   */
  onRefresh: () => void;
  /**
   * Class names of the button, if any.
   */
  className?: string;
}): JSX.Element {
  return (
    <Button
      minimal
      small
      className={props.className}
      onClick={props.onRefresh}
      disabled={props.refreshing}
      title={props.label}
      aria-label={props.label}
    >
      <refreshIcon.react tag="span" />
    </Button>
  );
}
