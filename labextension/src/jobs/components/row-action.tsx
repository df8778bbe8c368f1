import { Button, type LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

/**
 * A small icon button of a listed item's row; `label` is its accessible
 * name, `title` its tooltip.
 */
export function RowAction(props: {
  className: string;
  icon: LabIcon;
  onClick: () => void;
  title: string;
  label: string;
}): JSX.Element {
  return (
    <Button
      minimal
      small
      className={props.className}
      onClick={props.onClick}
      title={props.title}
      aria-label={props.label}
    >
      <props.icon.react tag="span" />
    </Button>
  );
}
