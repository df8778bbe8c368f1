import { useEffect, useState } from 'react';

/**
 * Milliseconds between two updates of a live duration.
 */
const TICK_MS = 1000;

/**
 * A duration as `1h 02m`, `3m 07s` or `12s` (or `0.4s` below a second).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '';
  }
  if (ms < 1000) {
    return `${(ms / 1000).toFixed(1)}s`;
  }
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (hours > 0) {
    return `${hours}h ${pad(minutes)}m`;
  }
  if (minutes > 0) {
    return `${minutes}m ${pad(seconds)}s`;
  }
  return `${seconds}s`;
}

/**
 * The current time, updated every second while `live`.
 */
export function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) {
      return;
    }
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), TICK_MS);
    return () => window.clearInterval(timer);
  }, [live]);
  return now;
}

/**
 * How far a time is from now, in the user's language: `in 5 minutes`,
 * `3 hours ago`, `tomorrow`.
 *
 * @param target - The time, ms since the epoch.
 * @param now - The current time, ms since the epoch.
 */
export function formatRelative(target: number, now: number): string {
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const seconds = Math.round((target - now) / 1000);
  const size = Math.abs(seconds);
  if (size < 60) {
    return format.format(seconds, 'second');
  }
  if (size < 3600) {
    return format.format(Math.round(seconds / 60), 'minute');
  }
  if (size < 86400) {
    return format.format(Math.round(seconds / 3600), 'hour');
  }
  return format.format(Math.round(seconds / 86400), 'day');
}
