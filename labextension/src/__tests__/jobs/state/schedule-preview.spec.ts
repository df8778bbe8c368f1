import type { ISchedulePreview } from '../../../api/types';
import { SchedulePreviewState } from '../../../jobs/state/schedule-preview';
import { makeAPIError, makeClient } from '../../fixtures';

const PREVIEW: ISchedulePreview = {
  cron: '0 6 * * 1-5',
  tz: 'Europe/Paris',
  description: 'At 06:00 AM, Monday through Friday',
  next_fire_times: ['2024-05-02T06:00:00+02:00', '2024-05-03T06:00:00+02:00']
};

describe('SchedulePreviewState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: SchedulePreviewState;

  beforeEach(() => {
    jest.useFakeTimers();
    client = makeClient();
    client.previewSchedule.mockResolvedValue(PREVIEW);
    state = new SchedulePreviewState({ client });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  /**
   * Let the debounce delay pass and the answer arrive.
   */
  async function settle(): Promise<void> {
    await jest.advanceTimersByTimeAsync(300);
  }

  it('asks once the user pauses typing, for the last schedule typed', async () => {
    // Given three changes in quick succession
    state.update('0 6 * * *', 'Europe/Paris');
    state.update('0 6 * * 1', 'Europe/Paris');
    state.update('0 6 * * 1-5', 'Europe/Paris');
    expect(state.loading).toBe(true);
    await jest.advanceTimersByTimeAsync(299);
    expect(client.previewSchedule).not.toHaveBeenCalled();

    // When the user pauses
    await settle();

    // Then the last one is previewed, once
    expect(client.previewSchedule).toHaveBeenCalledTimes(1);
    expect(client.previewSchedule).toHaveBeenCalledWith({
      cron: '0 6 * * 1-5',
      tz: 'Europe/Paris',
      count: 5
    });
    expect(state.preview).toBe(PREVIEW);
    expect(state.loading).toBe(false);
  });

  it('asks again only for another schedule or zone', async () => {
    state.update('0 6 * * 1-5', 'Europe/Paris');
    await settle();
    state.update('0 6 * * 1-5', 'Europe/Paris');
    await settle();
    state.update('0 6 * * 1-5', 'Asia/Tokyo');
    await settle();

    expect(client.previewSchedule).toHaveBeenCalledTimes(2);
  });

  it('puts an invalid expression beside the cron field, an unknown zone beside the zone', async () => {
    client.previewSchedule.mockRejectedValueOnce(
      makeAPIError(400, "Invalid cron expression '0 6 *'", 'cron')
    );
    state.update('0 6 *', 'UTC');
    await settle();
    expect(state.error).toEqual({
      field: 'cron',
      message: "Invalid cron expression '0 6 *'"
    });
    expect(state.preview).toBeNull();

    client.previewSchedule.mockRejectedValueOnce(
      makeAPIError(400, "Unknown time zone 'Mars/Olympus'", 'tz')
    );
    state.update('0 6 * * *', 'Mars/Olympus');
    await settle();
    expect(state.error?.field).toBe('timezone');

    client.previewSchedule.mockRejectedValueOnce(new Error('Network down'));
    state.update('0 7 * * *', 'UTC');
    await settle();
    expect(state.error).toEqual({ field: null, message: 'Network down' });
  });

  it('drops an answer about an older schedule', async () => {
    let answer!: (preview: ISchedulePreview) => void;
    client.previewSchedule.mockReturnValueOnce(
      new Promise(resolve => (answer = resolve))
    );
    state.update('0 6 * * *', 'UTC');
    await settle();

    state.update(null, 'UTC');
    answer(PREVIEW);
    await jest.advanceTimersByTimeAsync(0);

    expect(state.preview).toBeNull();
    expect(state.loading).toBe(false);
  });
});
