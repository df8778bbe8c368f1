import React from 'react';

/**
 * Hex digits of a hash shown: enough to tell locks and inputs apart at a
 * glance.
 */
export const SHORT_HASH_LENGTH = 12;

/**
 * A hex hash as its first `SHORT_HASH_LENGTH` digits, the whole hash in its
 * tooltip (and selectable through it).
 */
export function ShortHash(props: {
  /**
   * The hash, in hex.
   */
  hash: string;
  /**
   * Class names added to `jp-mlx-ShortHash`, if any.
   */
  className?: string;
}): JSX.Element {
  const { hash } = props;
  return (
    <code
      className={
        props.className
          ? `jp-mlx-ShortHash ${props.className}`
          : 'jp-mlx-ShortHash'
      }
      title={hash}
      data-hash={hash}
    >
      {hash.slice(0, SHORT_HASH_LENGTH)}
    </code>
  );
}
