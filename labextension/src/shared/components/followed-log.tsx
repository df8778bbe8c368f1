import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useLayoutEffect, useRef } from 'react';

/**
 * How close to its end (in pixels) the log must be scrolled to follow new
 * output.
 */
const FOLLOW_SLACK_PX = 24;

/**
 * A log a process writes (a job run's, an environment's install), following
 * new output while scrolled to its end, after a note when its beginning was
 * dropped.
 */
export function FollowedLog(props: {
  /**
   * The log read so far.
   */
  log: string;
  /**
   * What to show while the log is empty.
   */
  placeholder: string;
  /**
   * Whether the whole log was read.
   */
  complete: boolean;
  /**
   * Whether the beginning of the log was dropped.
   */
  truncated: boolean;
  /**
   * The accessible name of the log.
   */
  label: string;
  /**
   * Class name of the log's `<pre>`.
   */
  className: string;
  /**
   * Class names added to the truncation note's `jp-mlx-Note`, if any.
   */
  noteClassName?: string;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { log, trans } = props;
  const node = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    const pre = node.current;
    if (pre && following.current) {
      pre.scrollTop = pre.scrollHeight;
    }
  }, [log]);
  return (
    <>
      {props.truncated && (
        <p
          className={
            props.noteClassName
              ? `jp-mlx-Note ${props.noteClassName}`
              : 'jp-mlx-Note'
          }
        >
          {trans.__('The beginning of the log is not shown.')}
        </p>
      )}
      <pre
        ref={node}
        className={props.className}
        aria-label={props.label}
        data-complete={props.complete}
        tabIndex={0}
        onScroll={event => {
          const pre = event.currentTarget;
          following.current =
            pre.scrollHeight - pre.scrollTop - pre.clientHeight <
            FOLLOW_SLACK_PX;
        }}
      >
        {log || props.placeholder}
      </pre>
    </>
  );
}
