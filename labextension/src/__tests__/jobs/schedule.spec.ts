import { nullTranslator } from '@jupyterlab/translation';

import {
  type IScheduleDraft,
  buildSchedule,
  formatFireTime,
  initialScheduleDraft,
  presetCron,
  presetOf,
  timeZones
} from '../../jobs/schedule';
import { makeJobDefinition } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

/**
 * A new definition's schedule draft with `changes` applied.
 */
function draft(changes: Partial<IScheduleDraft> = {}): IScheduleDraft {
  return { ...initialScheduleDraft(), ...changes };
}

describe('presetCron', () => {
  it.each([
    [{ preset: 'minute' }, '* * * * *'],
    [{ preset: 'hour' }, '0 * * * *'],
    [{ preset: 'day', time: '06:30' }, '30 6 * * *'],
    [{ preset: 'weekdays', time: '18:05' }, '5 18 * * 1-5'],
    [{ preset: 'week', time: '07:00', weekday: '0' }, '0 7 * * 0'],
    [{ preset: 'month', time: '23:59', monthDay: '15' }, '59 23 15 * *'],
    [{ preset: 'custom', cron: '  */15 9-17 * * 1-5 ' }, '*/15 9-17 * * 1-5'],
    [{ preset: 'none' }, null]
  ] as const)('turns %j into %s', (changes, cron) => {
    expect(presetCron(draft(changes))).toBe(cron);
  });
});

describe('presetOf', () => {
  it('recognises the expression of each preset, with its time and day', () => {
    expect(presetOf('* * * * *').preset).toBe('minute');
    expect(presetOf('0 * * * *').preset).toBe('hour');
    expect(presetOf('30 6 * * *')).toMatchObject({
      preset: 'day',
      time: '06:30'
    });
    expect(presetOf('5 18 * * 1-5')).toMatchObject({
      preset: 'weekdays',
      time: '18:05'
    });
    expect(presetOf('0 7 * * 0')).toMatchObject({
      preset: 'week',
      time: '07:00',
      weekday: '0'
    });
    expect(presetOf('59 23 15 * *')).toMatchObject({
      preset: 'month',
      time: '23:59',
      monthDay: '15'
    });
    expect(presetOf(null).preset).toBe('none');
  });

  it('calls any other expression custom', () => {
    for (const cron of [
      '*/15 * * * *',
      '0 6 * 1 *',
      '0 6 1 * 1',
      '0 25 * * *',
      '0 6 * * 7',
      '@daily'
    ]) {
      expect(presetOf(cron).preset).toBe('custom');
    }
  });

  it('round-trips every preset', () => {
    for (const cron of [
      '30 6 * * *',
      '5 18 * * 1-5',
      '0 7 * * 3',
      '0 0 1 * *'
    ]) {
      expect(presetCron({ ...draft(), ...presetOf(cron) })).toBe(cron);
    }
  });
});

describe('initialScheduleDraft', () => {
  it('schedules a new definition daily at 09:00 in the browser’s zone', () => {
    const initial = initialScheduleDraft();

    expect(presetCron(initial)).toBe('0 9 * * *');
    expect(initial.timezone).toBe(
      Intl.DateTimeFormat().resolvedOptions().timeZone
    );
    expect(initial).toMatchObject({
      catchup: 'latest',
      notify: true,
      webhookEvents: ['failure']
    });
  });

  it('shows a definition’s schedule to edit it', () => {
    const initial = initialScheduleDraft(
      makeJobDefinition({
        cron: '0 2 * * 1-5',
        max_concurrent_runs: 3,
        webhook_url: 'https://hooks.example/x',
        webhook_events: ['success', 'failure']
      })
    );

    expect(initial).toMatchObject({
      name: 'nightly',
      preset: 'weekdays',
      time: '02:00',
      timezone: 'Europe/Paris',
      maxConcurrent: '3',
      webhookUrl: 'https://hooks.example/x',
      webhookEvents: ['success', 'failure']
    });
  });
});

describe('buildSchedule', () => {
  it('makes the schedule fields of a definition request', () => {
    const { schedule, errors } = buildSchedule(
      draft({
        name: '  nightly ',
        preset: 'weekdays',
        time: '06:00',
        timezone: 'Europe/Paris',
        catchup: 'all',
        maxConcurrent: '2',
        webhookUrl: 'https://hooks.example/x',
        webhookEvents: ['failure', 'success']
      }),
      trans
    );

    expect(errors).toEqual({});
    expect(schedule).toEqual({
      name: 'nightly',
      cron: '0 6 * * 1-5',
      timezone: 'Europe/Paris',
      catchup: 'all',
      max_concurrent_runs: 2,
      notify: true,
      webhook_url: 'https://hooks.example/x',
      webhook_events: ['success', 'failure']
    });
  });

  it('leaves the defaults to the server: the name, no schedule, no webhook', () => {
    const { schedule } = buildSchedule(draft({ preset: 'none' }), trans);

    expect(schedule).toMatchObject({
      name: null,
      cron: null,
      max_concurrent_runs: 1,
      webhook_url: null
    });
  });

  it('reports an error beside each wrong field', () => {
    const { errors } = buildSchedule(
      draft({
        name: 'n'.repeat(201),
        preset: 'day',
        time: '25:00',
        timezone: ' ',
        maxConcurrent: '65',
        webhookUrl: 'ftp://x',
        webhookEvents: []
      }),
      trans
    );

    expect(errors).toEqual({
      name: 'at most 200 characters',
      cron: 'expected a time of day as HH:MM',
      timezone: 'expected a time zone, e.g. Europe/Paris',
      max_concurrent_runs: 'expected a whole number from 1 to 64',
      webhook_url: 'expected an http:// or https:// URL',
      webhook_events: 'choose the run endings the webhook is told of'
    });
  });

  it('asks a custom expression for five fields', () => {
    expect(
      buildSchedule(draft({ preset: 'custom', cron: '0 6 * *' }), trans).errors
    ).toEqual({
      cron: 'expected five fields: minute, hour, day of month, month, day of week'
    });
  });
});

describe('time zones', () => {
  it('writes a fire time in the schedule’s zone', () => {
    const paris = formatFireTime('2024-05-02T04:00:00Z', 'Europe/Paris');
    const tokyo = formatFireTime('2024-05-02T04:00:00Z', 'Asia/Tokyo');

    expect(paris).toMatch(/06:00/);
    expect(tokyo).toMatch(/01:00/);
  });

  it('writes it in the browser’s zone for a zone it does not know', () => {
    expect(formatFireTime('2024-05-02T04:00:00Z', 'Mars/Olympus')).toBe(
      formatFireTime(
        '2024-05-02T04:00:00Z',
        Intl.DateTimeFormat().resolvedOptions().timeZone
      )
    );
  });

  it('lists the zones the browser knows', () => {
    expect(timeZones()).toContain('Europe/Paris');
  });
});
