import { Button, type LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

/**
 * A small icon button of a model's aliases and versions, named by its label
 * and explained by its tooltip.
 */
export function IconButton(props: {
  /**
   * The icon.
   */
  icon: LabIcon;
  /**
   * Accessible name.
   */
  label: string;
  /**
   * Tooltip; defaults to the label.
   */
  title?: string;
  /**
   * Class name of the button.
   */
  className: string;
  /**
   * Whether it can be clicked.
   */
  enabled?: boolean;
  /**
   * What it does.
   */
  onClick: () => void;
}): JSX.Element {
  return (
    <Button
      minimal
      small
      className={`jp-mlx-IconButton ${props.className}`}
      onClick={props.onClick}
      disabled={props.enabled === false}
      title={props.title ?? props.label}
      aria-label={props.label}
    >
      <props.icon.react tag="span" />
    </Button>
  );
}
