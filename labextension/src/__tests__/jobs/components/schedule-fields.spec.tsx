import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { LiveJobForm } from '../../../jobs/components/job-form';
import { JobFormState } from '../../../jobs/state/form';
import {
  makeAPIError,
  makeClient,
  makeJobDefinition,
  makeNotebookParameters
} from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('the schedule part of the Schedule form', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    jest.useFakeTimers();
    client = makeClient();
    client.getNotebookParameters.mockResolvedValue(makeNotebookParameters());
    client.previewSchedule.mockResolvedValue({
      cron: '0 9 * * *',
      tz: 'UTC',
      description: 'At 09:00 AM',
      next_fire_times: [
        '2024-05-02T09:00:00+00:00',
        '2024-05-03T09:00:00+00:00',
        '2024-05-04T09:00:00+00:00',
        '2024-05-05T09:00:00+00:00',
        '2024-05-06T09:00:00+00:00'
      ]
    });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  async function open(
    definition: ReturnType<typeof makeJobDefinition> | null = null
  ): Promise<void> {
    state = new JobFormState({
      client,
      path: 'work/train.ipynb',
      scheduling: true,
      definition,
      trans
    });
    await state.load();
    render(
      <LiveJobForm
        state={state}
        onSubmit={() => void state.submit()}
        trans={trans}
      />
    );
    await act(() => jest.advanceTimersByTimeAsync(300));
  }

  it('labels each field, and previews the next five fire times', async () => {
    await open();

    for (const label of [
      'Name',
      'Schedule',
      'Cron expression',
      'Time zone',
      'Catch-up',
      'Max concurrent runs',
      'Webhook URL'
    ]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(screen.getByLabelText('Name')).toHaveAttribute(
      'placeholder',
      'train.ipynb'
    );
    expect(screen.getByLabelText('Cron expression')).toHaveValue('0 9 * * *');
    expect(screen.getByText('At 09:00 AM')).toBeInTheDocument();
    const times = screen.getByRole('list', { name: 'Next fire times' });
    expect(within(times).getAllByRole('listitem')).toHaveLength(5);
    expect(
      screen.getByRole('checkbox', { name: 'Notify on failure and recovery' })
    ).toBeChecked();
  });

  it('shows the expression of each preset, and its time and day fields', async () => {
    await open();

    fireEvent.change(screen.getByLabelText('Schedule'), {
      target: { value: 'week' }
    });
    fireEvent.change(screen.getByLabelText('Time'), {
      target: { value: '07:30' }
    });
    fireEvent.change(screen.getByLabelText('Day of the week'), {
      target: { value: '5' }
    });
    expect(screen.getByLabelText('Cron expression')).toHaveValue('30 7 * * 5');

    fireEvent.change(screen.getByLabelText('Schedule'), {
      target: { value: 'month' }
    });
    expect(screen.getByLabelText('Day of the month')).toBeInTheDocument();
    expect(screen.queryByLabelText('Day of the week')).toBeNull();

    fireEvent.change(screen.getByLabelText('Schedule'), {
      target: { value: 'none' }
    });
    expect(screen.queryByLabelText('Cron expression')).toBeNull();
    expect(screen.queryByLabelText('Time zone')).toBeNull();
  });

  it('turns a preset into a custom expression when the expression is edited', async () => {
    await open();

    fireEvent.change(screen.getByLabelText('Cron expression'), {
      target: { value: '*/5 * * * *' }
    });

    expect(screen.getByLabelText('Schedule')).toHaveValue('custom');
    expect(screen.getByLabelText('Cron expression')).toHaveValue('*/5 * * * *');
  });

  it('shows an invalid expression or zone beside its field', async () => {
    await open();
    client.previewSchedule.mockRejectedValue(
      makeAPIError(400, "Unknown time zone 'Mars/Olympus'", 'tz')
    );

    fireEvent.change(screen.getByLabelText('Time zone'), {
      target: { value: 'Mars/Olympus' }
    });
    await act(() => jest.advanceTimersByTimeAsync(300));

    const zone = document.querySelector('[data-field="timezone"]')!;
    expect(within(zone as HTMLElement).getByRole('alert')).toHaveTextContent(
      "Unknown time zone 'Mars/Olympus'"
    );
    expect(screen.getByLabelText('Time zone')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
  });

  it('asks a webhook for its events', async () => {
    await open();
    expect(screen.queryByRole('checkbox', { name: 'Success' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Webhook URL'), {
      target: { value: 'https://hooks.example/x' }
    });

    expect(screen.getByRole('checkbox', { name: 'Success' })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Failure' })).toBeChecked();
  });

  it('shows a definition’s schedule to edit it', async () => {
    await open(makeJobDefinition({ cron: '15 6 * * 1-5' }));

    expect(screen.getByLabelText('Name')).toHaveValue('nightly');
    expect(screen.getByLabelText('Schedule')).toHaveValue('weekdays');
    expect(screen.getByLabelText('Time')).toHaveValue('06:15');
    expect(screen.getByLabelText('Time zone')).toHaveValue('Europe/Paris');
  });
});
