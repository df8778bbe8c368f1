import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';

import { showJobFormDialog } from '../../../jobs/widgets/job-form-dialog';
import { dialogButton as button } from '../../dialogs';
import {
  makeAPIError,
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeNotebookParameters
} from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('showJobFormDialog', () => {
  let client: ReturnType<typeof makeClient>;

  beforeEach(() => {
    client = makeClient();
    client.getNotebookParameters.mockResolvedValue(makeNotebookParameters());
  });

  afterEach(() => {
    document.body.innerHTML = '';
  });

  /**
   * Open the dialog; its answer is wrapped, or awaiting this would wait for
   * the dialog to close.
   */
  async function openDialog(
    options: Partial<Parameters<typeof showJobFormDialog>[0]> = {}
  ): Promise<{ result: Promise<unknown> }> {
    let result!: Promise<unknown>;
    await act(async () => {
      result = showJobFormDialog({
        client,
        path: 'work/train.ipynb',
        trans,
        ...options
      });
    });
    await screen.findByLabelText(/^epochs/);
    return { result };
  }

  it('stays open while the form has errors, and closes with the created run', async () => {
    // Given the dialog of a notebook, an integer field holding a decimal
    const { result } = await openDialog();
    expect(
      screen.getByText('Run train.ipynb with Parameters')
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^epochs/), {
      target: { value: '2.5' }
    });

    // When Run is clicked, nothing is sent and the dialog stays
    await act(async () => {
      fireEvent.click(button('Run'));
    });
    expect(client.createJobRun).not.toHaveBeenCalled();
    expect(document.querySelector('.jp-mlx-JobForm')).not.toBeNull();

    // When the server refuses a valid form, the error shows beside the field
    client.createJobRun.mockRejectedValueOnce(
      makeAPIError(400, 'epochs: at most 100', 'parameters.epochs')
    );
    fireEvent.change(screen.getByLabelText(/^epochs/), {
      target: { value: '500' }
    });
    await act(async () => {
      fireEvent.click(button('Run'));
    });
    expect(
      document.querySelector('[data-parameter="epochs"] .jp-mlx-JobForm-error')
    ).toHaveTextContent('epochs: at most 100');

    // When it accepts the run, the dialog closes with it
    const created = makeJobRun({ id: 'jr-9', status: 'queued' });
    client.createJobRun.mockResolvedValueOnce(created);
    fireEvent.change(screen.getByLabelText(/^epochs/), {
      target: { value: '50' }
    });
    await act(async () => {
      fireEvent.click(button('Run'));
    });
    await expect(result).resolves.toEqual({ kind: 'run', run: created });
    await waitFor(() =>
      expect(document.querySelector('.jp-mlx-JobForm')).toBeNull()
    );
  });

  it('answers null when cancelled', async () => {
    const { result } = await openDialog();

    await act(async () => {
      fireEvent.click(button('Cancel'));
    });

    await expect(result).resolves.toBeNull();
    expect(client.createJobRun).not.toHaveBeenCalled();
  });

  it('says Start sweep while a parameter is swept', async () => {
    const { result } = await openDialog();

    fireEvent.click(screen.getByLabelText('Sweep lr'));
    expect(button('Start sweep')).toBeInTheDocument();
    // Its accessible name too (the label's aria-label names the button)
    expect(
      button('Start sweep').querySelector('.jp-Dialog-buttonLabel')
    ).toHaveAttribute('aria-label', 'Start sweep');

    fireEvent.click(screen.getByLabelText('Sweep lr'));
    expect(button('Run')).toBeInTheDocument();
    expect(
      button('Run').querySelector('.jp-Dialog-buttonLabel')
    ).toHaveAttribute('aria-label', 'Run');
    await act(async () => {
      fireEvent.click(button('Cancel'));
    });
    await expect(result).resolves.toBeNull();
  });

  describe('of a schedule', () => {
    beforeEach(() => {
      client.previewSchedule.mockResolvedValue({
        cron: '0 9 * * *',
        tz: 'UTC',
        description: 'At 09:00 AM',
        next_fire_times: []
      });
    });

    it('creates the definition', async () => {
      const created = makeJobDefinition();
      client.createJob.mockResolvedValue(created);
      const { result } = await openDialog({ scheduling: true });
      expect(screen.getByText('Schedule train.ipynb')).toBeInTheDocument();

      await act(async () => {
        fireEvent.click(button('Create schedule'));
      });

      await expect(result).resolves.toEqual({ kind: 'job', job: created });
    });

    it('saves an edited definition', async () => {
      const { result } = await openDialog({ definition: makeJobDefinition() });
      expect(screen.getByText('Edit Schedule nightly')).toBeInTheDocument();
      client.updateJob.mockResolvedValue(makeJobDefinition({ name: 'daily' }));
      fireEvent.change(screen.getByLabelText('Name'), {
        target: { value: 'daily' }
      });

      await act(async () => {
        fireEvent.click(button('Save'));
      });

      await expect(result).resolves.toMatchObject({ kind: 'job' });
      expect(client.updateJob).toHaveBeenCalledWith('job-1', { name: 'daily' });
    });
  });
});
