import { PromiseDelegate } from '@lumino/coreutils';

import type { IJobRunLog } from '../../../api/types';
import { JobRunState, MAX_LOG_CHARS } from '../../../jobs/state/run';
import {
  makeAPIError,
  makeClient,
  makeJobRun,
  makeJobRunLog
} from '../../fixtures';

describe('JobRunState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobRunState;

  beforeEach(() => {
    client = makeClient();
    state = new JobRunState({ client, runId: 'jr-1' });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('tails the log from the last offset while the run is running', async () => {
    // Given a running run that wrote a first line
    jest.useFakeTimers();
    client.getJobRun.mockResolvedValue(
      makeJobRun({ status: 'running', finished_at: null })
    );
    client.readJobRunLog.mockResolvedValueOnce(
      makeJobRunLog({ offset: 0, next_offset: 6, text: 'epoch\n' })
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    expect(client.readJobRunLog).toHaveBeenLastCalledWith('jr-1', 0);
    expect(state.log).toBe('epoch\n');
    expect(state.logOffset).toBe(6);

    // When a second has passed, the log is read on from where it stopped
    client.readJobRunLog.mockResolvedValueOnce(
      makeJobRunLog({ offset: 6, next_offset: 12, text: 'loss=1' })
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.readJobRunLog).toHaveBeenLastCalledWith('jr-1', 6);
    expect(state.log).toBe('epoch\nloss=1');

    // And nothing new appends nothing
    client.readJobRunLog.mockResolvedValueOnce(
      makeJobRunLog({ offset: 12, next_offset: 12, text: '' })
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(state.log).toBe('epoch\nloss=1');
    expect(state.logOffset).toBe(12);
  });

  it('stops reading the log once complete, and polls slowly then', async () => {
    // Given a run that has just ended, the rest of its log unread
    jest.useFakeTimers();
    client.getJobRun.mockResolvedValue(makeJobRun({ status: 'failed' }));
    client.readJobRunLog.mockResolvedValueOnce(
      makeJobRunLog({ next_offset: 4, text: 'one\n', complete: false })
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    expect(state.logComplete).toBe(false);

    // When the last piece is read
    client.readJobRunLog.mockResolvedValueOnce(
      makeJobRunLog({
        offset: 4,
        next_offset: 8,
        text: 'two\n',
        complete: true
      })
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(state.log).toBe('one\ntwo\n');
    expect(state.logComplete).toBe(true);
    const reads = client.readJobRunLog.mock.calls.length;
    const fetches = client.getJobRun.mock.calls.length;

    // Then the log is not asked for again, and the run only at the idle
    // interval
    await jest.advanceTimersByTimeAsync(9000);
    expect(client.getJobRun.mock.calls.length).toBe(fetches);
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.getJobRun.mock.calls.length).toBe(fetches + 1);
    expect(client.readJobRunLog.mock.calls.length).toBe(reads);
  });

  it('reads a long log in several pieces in one refresh', async () => {
    const chunk = 1 << 20;
    client.getJobRun.mockResolvedValue(makeJobRun());
    client.readJobRunLog
      .mockResolvedValueOnce(
        makeJobRunLog({ offset: 0, next_offset: chunk, text: 'a' })
      )
      .mockResolvedValueOnce(
        makeJobRunLog({
          offset: chunk,
          next_offset: chunk + 1,
          text: 'b',
          complete: true
        })
      );

    await state.start();

    expect(client.readJobRunLog.mock.calls).toEqual([
      ['jr-1', 0],
      ['jr-1', chunk]
    ]);
    expect(state.log).toBe('ab');
    expect(state.logComplete).toBe(true);
  });

  it('appends a piece once when refreshes overlap', async () => {
    client.getJobRun.mockResolvedValue(
      makeJobRun({ status: 'running', finished_at: null })
    );
    const first = new PromiseDelegate<IJobRunLog>();
    const second = new PromiseDelegate<IJobRunLog>();
    client.readJobRunLog
      .mockReturnValueOnce(first.promise)
      .mockReturnValueOnce(second.promise);

    const started = state.start();
    const refreshed = state.refresh();
    first.resolve(makeJobRunLog({ next_offset: 3, text: 'abc' }));
    second.resolve(makeJobRunLog({ next_offset: 3, text: 'abc' }));
    await Promise.all([started, refreshed]);

    expect(state.log).toBe('abc');
    expect(state.logOffset).toBe(3);
  });

  it('keeps the end of a very long log', async () => {
    client.getJobRun.mockResolvedValue(makeJobRun());
    client.readJobRunLog.mockResolvedValueOnce(
      makeJobRunLog({
        next_offset: MAX_LOG_CHARS + 5,
        text: `${'x'.repeat(MAX_LOG_CHARS)}tail!`,
        complete: true
      })
    );

    await state.start();

    expect(state.log).toHaveLength(MAX_LOG_CHARS);
    expect(state.log.endsWith('tail!')).toBe(true);
    expect(state.logTruncated).toBe(true);
  });

  it('reports an unknown run', async () => {
    client.getJobRun.mockRejectedValue(makeAPIError(404, "No job run 'jr-1'"));
    client.readJobRunLog.mockRejectedValue(
      makeAPIError(404, "No job run 'jr-1'")
    );

    await state.start();

    expect(state.run).toBeNull();
    expect(state.error?.message).toBe("No job run 'jr-1'");
  });

  it('shows a newer state of the run at once', async () => {
    client.getJobRun.mockResolvedValue(
      makeJobRun({ status: 'running', finished_at: null })
    );
    client.readJobRunLog.mockResolvedValue(makeJobRunLog());
    await state.start();

    state.update(makeJobRun({ status: 'stopped' }));
    state.update(makeJobRun({ id: 'other', status: 'failed' }));

    expect(state.run?.status).toBe('stopped');
  });
});
