import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { JobFormState } from '../../../jobs/state/form';
import { makeEnvironment } from '../../environments/fixtures';
import {
  makeAPIError,
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeNotebookParameters
} from '../../fixtures';
import { Form } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

/**
 * The error shown beside the field of a wire name, or `null`.
 */
function fieldError(container: HTMLElement, field: string): Element | null {
  return container.querySelector(
    `.jp-mlx-JobForm-field[data-field="${field}"] .jp-mlx-JobForm-error`
  );
}

describe('JobForm environment and inputs', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  /**
   * Load the form of `work/train.ipynb`, scheduling when a definition is
   * edited.
   */
  async function load(
    definition: ReturnType<typeof makeJobDefinition> | null = null
  ): Promise<void> {
    state = new JobFormState({
      client,
      path: 'work/train.ipynb',
      definition,
      trans
    });
    await state.load();
  }

  beforeEach(async () => {
    client = makeClient();
    client.getNotebookParameters.mockResolvedValue(makeNotebookParameters());
    client.listEnvironments.mockResolvedValue({
      environments: [
        makeEnvironment({ name: 'train', state: 'ready', kernel: 'mlx-train' }),
        makeEnvironment({ name: 'base', state: 'locked' }),
        makeEnvironment({ name: 'old', state: 'stale' })
      ],
      problems: []
    });
    await load();
  });

  afterEach(() => {
    state.dispose();
  });

  it('offers the workspace’s environments with their state beside the kernel', () => {
    render(<Form state={state} />);

    const picker = screen.getByLabelText('Environment') as HTMLSelectElement;
    expect(picker.value).toBe('');
    expect([...picker.options].map(option => option.textContent)).toEqual([
      'None: run on the kernel',
      'base (Locked)',
      'old (Stale)',
      'train (Ready)'
    ]);
    expect(screen.getByLabelText('Kernel')).toHaveValue('python3');
  });

  it('sends the environment chosen instead of the kernel, and the inputs typed', async () => {
    // Given a ready environment chosen and two inputs typed
    client.createJobRun.mockResolvedValue(makeJobRun({ status: 'queued' }));
    render(<Form state={state} />);
    fireEvent.change(screen.getByLabelText('Environment'), {
      target: { value: 'train' }
    });
    fireEvent.change(screen.getByLabelText('Inputs'), {
      target: { value: 'data/train.csv\n data/images \n' }
    });

    // Then the kernel gives way to the environment's own
    expect(screen.getByLabelText('Kernel')).toHaveValue('');
    expect(
      screen.getByRole('option', { name: 'The environment’s kernel' })
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('checkbox', { name: 'Install first' })
    ).not.toBeInTheDocument();

    // When the form is submitted
    await act(async () => {
      await state.submit();
    });

    // Then the body names the environment and the inputs, not a kernel
    expect(client.createJobRun.mock.calls[0][0]).toMatchObject({
      notebook: 'work/train.ipynb',
      kernel: null,
      environment: 'train',
      install_environment: false,
      inputs: ['data/train.csv', 'data/images']
    });
  });

  it('clears the environment when a kernel is chosen', () => {
    render(<Form state={state} />);
    fireEvent.change(screen.getByLabelText('Environment'), {
      target: { value: 'train' }
    });

    fireEvent.change(screen.getByLabelText('Kernel'), {
      target: { value: 'ml' }
    });

    expect(screen.getByLabelText('Environment')).toHaveValue('');
    expect(screen.getByLabelText('Kernel')).toHaveValue('ml');
  });

  it('offers to install an environment that is locked but not installed', async () => {
    client.createJobRun.mockResolvedValue(makeJobRun({ status: 'queued' }));
    render(<Form state={state} />);

    fireEvent.change(screen.getByLabelText('Environment'), {
      target: { value: 'base' }
    });
    expect(
      screen.getByText(/base is locked but not installed/)
    ).toBeInTheDocument();
    const install = screen.getByRole('checkbox', { name: 'Install first' });
    expect(install).toBeEnabled();
    fireEvent.click(install);
    await act(async () => {
      await state.submit();
    });

    expect(client.createJobRun.mock.calls[0][0]).toMatchObject({
      environment: 'base',
      install_environment: true
    });
  });

  it('says a stale environment must be locked again: installing cannot help', () => {
    render(<Form state={state} />);

    fireEvent.change(screen.getByLabelText('Environment'), {
      target: { value: 'old' }
    });

    expect(screen.getByText(/old changed since its lock/)).toBeInTheDocument();
    expect(
      screen.getByRole('checkbox', { name: 'Install first' })
    ).toBeDisabled();
  });

  it("shows the server's error naming an input beside the Inputs field", async () => {
    client.createJobRun.mockRejectedValue(
      makeAPIError(400, "Input 'data/gone.csv' does not exist.", 'inputs.1')
    );
    const { container } = render(<Form state={state} />);
    fireEvent.change(screen.getByLabelText('Inputs'), {
      target: { value: 'data/train.csv\ndata/gone.csv' }
    });

    await act(async () => {
      await state.submit();
    });

    expect(fieldError(container, 'inputs')).toHaveTextContent(
      "Input 'data/gone.csv' does not exist."
    );
    expect(screen.getByLabelText('Inputs')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    expect(state.message).toBeNull();

    // Editing the inputs clears the server's error
    fireEvent.change(screen.getByLabelText('Inputs'), {
      target: { value: 'data/train.csv' }
    });
    expect(fieldError(container, 'inputs')).toBeNull();
  });

  it("shows the server's error naming the environment beside its picker", async () => {
    client.createJobRun.mockRejectedValue(
      makeAPIError(
        400,
        "environment 'old' is stale: run `jupyter mlx env lock old`",
        'environment'
      )
    );
    const { container } = render(<Form state={state} />);
    fireEvent.change(screen.getByLabelText('Environment'), {
      target: { value: 'old' }
    });

    await act(async () => {
      await state.submit();
    });

    expect(fieldError(container, 'environment')).toHaveTextContent(
      "environment 'old' is stale"
    );
  });

  it('refuses more inputs than a run may declare before sending', async () => {
    const { container } = render(<Form state={state} />);
    fireEvent.change(screen.getByLabelText('Inputs'), {
      target: {
        value: Array.from({ length: 101 }, (_, i) => `d/${i}`).join('\n')
      }
    });

    await act(async () => {
      await state.submit();
    });

    expect(client.createJobRun).not.toHaveBeenCalled();
    expect(fieldError(container, 'inputs')).toHaveTextContent(
      'at most 100 inputs (101 given)'
    );
  });

  it('offers kernels only when the server lists no environments', async () => {
    state.dispose();
    client.listEnvironments.mockRejectedValue(makeAPIError(404, 'Not found'));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await load();

    render(<Form state={state} />);

    expect(screen.queryByLabelText('Environment')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Kernel')).toHaveValue('python3');
    expect(screen.getByLabelText('Inputs')).toBeInTheDocument();
    warn.mockRestore();
  });

  it('keeps a definition’s environment and inputs when it is edited', async () => {
    // Given a definition on an environment, with inputs, edited
    state.dispose();
    const definition = makeJobDefinition({
      kernel: 'mlx-base',
      environment: 'base',
      install_environment: true,
      inputs: ['data/train.csv']
    });
    client.updateJob.mockResolvedValue(definition);
    await load(definition);
    render(<Form state={state} />);

    // Then the form shows them
    expect(screen.getByLabelText('Environment')).toHaveValue('base');
    expect(
      screen.getByRole('checkbox', { name: 'Install first' })
    ).toBeChecked();
    expect(screen.getByLabelText('Inputs')).toHaveValue('data/train.csv');

    // When only the name changes
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'daily' }
    });
    await act(async () => {
      await state.submit();
    });

    // Then the update leaves them as they are
    expect(client.updateJob).toHaveBeenCalledWith('job-1', { name: 'daily' });
  });
});
