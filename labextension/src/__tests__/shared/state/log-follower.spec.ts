import { PromiseDelegate } from '@lumino/coreutils';

import {
  type ILogPiece,
  LogFollower
} from '../../../shared/state/log-follower';

const CHUNK = 1 << 20;

function piece(overrides: Partial<ILogPiece> = {}): ILogPiece {
  return { next_offset: 0, text: '', complete: false, ...overrides };
}

describe('LogFollower', () => {
  it('reads on from the last offset and keeps the end of a long log', async () => {
    // Given a log of ten characters of which the follower keeps eight
    const read = jest
      .fn<Promise<ILogPiece>, [number]>()
      .mockResolvedValueOnce(piece({ next_offset: 6, text: 'first\n' }))
      .mockResolvedValueOnce(
        piece({ next_offset: 10, text: 'end\n', complete: true })
      );
    const appended = jest.fn();
    const log = new LogFollower({ read, maxChars: 8, appended });

    // When it reads twice
    await log.readOn();
    await log.readOn();

    // Then it asked from each offset, and kept the last eight characters
    expect(read.mock.calls).toEqual([[0], [6]]);
    expect(log.text).toBe('rst\nend\n');
    expect(log.truncated).toBe(true);
    expect(log.offset).toBe(10);
    expect(log.complete).toBe(true);
    expect(appended).toHaveBeenCalledTimes(2);
  });

  it('reads full pieces on, a few at most, until one says complete', async () => {
    const read = jest
      .fn<Promise<ILogPiece>, [number]>()
      .mockImplementation(async offset =>
        piece({ next_offset: offset + CHUNK, text: 'x' })
      );
    const log = new LogFollower({ read, maxChars: 100 });

    await log.readOn();
    expect(read).toHaveBeenCalledTimes(4);

    read
      .mockReset()
      .mockResolvedValueOnce(
        piece({ next_offset: 5 * CHUNK, text: 'y', complete: true })
      );
    await log.readOn();
    expect(read).toHaveBeenCalledTimes(1);
    expect(log.text).toBe('xxxxy');
  });

  it('drops a piece read before a reset', async () => {
    // Given a read in flight
    const pending = new PromiseDelegate<ILogPiece>();
    const read = jest
      .fn<Promise<ILogPiece>, [number]>()
      .mockReturnValueOnce(pending.promise);
    const log = new LogFollower({ read, maxChars: 100 });
    const reading = log.readOn();

    // When the follower starts over before it answers
    log.reset();
    pending.resolve(piece({ next_offset: 4, text: 'old\n' }));
    await reading;

    // Then the answer is not kept
    expect(log.text).toBe('');
    expect(log.offset).toBe(0);
  });
});
