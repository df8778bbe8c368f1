import React from 'react';

/**
 * Most characters of a notebook path shown; longer ones lose their middle.
 */
export const MAX_PATH_LENGTH = 32;

/**
 * A path shortened in its middle to `max` characters, keeping its start and
 * its file name: `work/…/train.ipynb`.
 */
export function shortenPath(path: string, max = MAX_PATH_LENGTH): string {
  if (path.length <= max) {
    return path;
  }
  const keep = max - 1;
  const tail = Math.ceil(keep * 0.6);
  return `${path.slice(0, keep - tail)}…${path.slice(path.length - tail)}`;
}

/**
 * A notebook's path shortened in its middle, the whole path in its tooltip.
 */
export function NotebookPath(props: {
  /**
   * The notebook's path, relative to the server root.
   */
  path: string;
  /**
   * Class names added to `jp-mlx-NotebookPath`, if any.
   */
  className?: string;
}): JSX.Element {
  const { path } = props;
  return (
    <span
      className={
        props.className
          ? `jp-mlx-NotebookPath ${props.className}`
          : 'jp-mlx-NotebookPath'
      }
      title={path}
      data-path={path}
    >
      {shortenPath(path)}
    </span>
  );
}
