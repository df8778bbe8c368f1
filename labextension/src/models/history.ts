import type { IAliasMove } from '../api/types';

/**
 * The version a rollback would move an alias back to: the version it held
 * before its last move, when that move led to the version it holds now;
 * otherwise `null` (nothing to roll back to).
 *
 * @param moves - The model's alias history, newest first.
 * @param alias - The alias.
 * @param current - The version the alias points to now.
 */
export function previousVersion(
  moves: ReadonlyArray<IAliasMove>,
  alias: string,
  current: string
): string | null {
  const last = moves.find(
    move => move.alias === alias && move.outcome === 'moved'
  );
  if (!last || last.to_version !== current) {
    return null;
  }
  return last.from_version;
}
