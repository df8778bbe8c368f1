import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';

import { showEnvironmentFormDialog } from '../../../environments/widgets/environment-form-dialog';
import { dialogButton as button } from '../../dialogs';
import { makeAPIError } from '../../fixtures';
import { makeEnvironment, makeEnvironmentsClient } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('showEnvironmentFormDialog', () => {
  let client: ReturnType<typeof makeEnvironmentsClient>;

  beforeEach(() => {
    client = makeEnvironmentsClient();
  });

  afterEach(() => {
    document.body.innerHTML = '';
  });

  /**
   * The error shown beside a field of the form.
   */
  function fieldError(field: string): Element | null {
    return document.querySelector(
      `[data-field="${field}"] .jp-mlx-EnvironmentForm-error`
    );
  }

  /**
   * Open the dialog; its answer is wrapped, or awaiting this would wait for
   * the dialog to close.
   */
  async function openDialog(): Promise<{ result: Promise<unknown> }> {
    let result!: Promise<unknown>;
    await act(async () => {
      result = showEnvironmentFormDialog({ client, trans });
    });
    await screen.findByLabelText('Name');
    return { result };
  }

  it("stays open with the server's error beside its field, and closes once created", async () => {
    // Given the form filled with a dependency the server refuses
    const { result } = await openDialog();
    expect(screen.getByText('New Environment')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'train' }
    });
    fireEvent.change(screen.getByLabelText('Dependencies'), {
      target: { value: 'python=3.12\nnumpy>>2' }
    });
    client.createEnvironment.mockRejectedValueOnce(
      makeAPIError(
        400,
        "'numpy>>2' is not a valid match spec",
        'dependencies.1'
      )
    );

    // When Create is clicked, the error shows beside the dependencies
    await act(async () => {
      fireEvent.click(button('Create'));
    });
    expect(client.createEnvironment).toHaveBeenCalledWith({
      name: 'train',
      flavour: 'conda',
      channels: [],
      dependencies: ['python=3.12', 'numpy>>2'],
      pip: []
    });
    expect(fieldError('dependencies')).toHaveTextContent(
      "'numpy>>2' is not a valid match spec"
    );
    expect(fieldError('name')).toBeNull();
    expect(screen.getByLabelText('Dependencies')).toHaveAttribute(
      'aria-invalid',
      'true'
    );

    // When the server accepts the corrected form, the dialog closes with it
    const created = makeEnvironment({ state: 'declared' });
    client.createEnvironment.mockResolvedValueOnce(created);
    fireEvent.change(screen.getByLabelText('Dependencies'), {
      target: { value: 'python=3.12\nnumpy>=2' }
    });
    await act(async () => {
      fireEvent.click(button('Create'));
    });
    await expect(result).resolves.toEqual({
      environment: created,
      mode: 'fields'
    });
    await waitFor(() =>
      expect(document.querySelector('.jp-mlx-EnvironmentForm')).toBeNull()
    );
  });

  it('checks the name before asking the server', async () => {
    const { result } = await openDialog();

    await act(async () => {
      fireEvent.click(button('Create'));
    });

    expect(fieldError('name')).toHaveTextContent('Name the environment.');
    expect(client.createEnvironment).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(button('Cancel'));
    });
    await expect(result).resolves.toBeNull();
  });

  it('writes the spec from its template with Write YAML', async () => {
    const { result } = await openDialog();
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'train' }
    });
    const created = makeEnvironment({ state: 'declared' });
    client.createEnvironment.mockResolvedValueOnce(created);

    await act(async () => {
      fireEvent.click(button('Write YAML'));
    });

    await expect(result).resolves.toEqual({
      environment: created,
      mode: 'file'
    });
    const request = client.createEnvironment.mock.calls[0][0];
    expect(request.content).toBe(
      'name: train\nchannels:\n  - conda-forge\ndependencies:\n  - python\n  - ipykernel\n'
    );
  });

  it('offers a requirements.in for the pip flavour, without channels', async () => {
    const { result } = await openDialog();

    fireEvent.change(screen.getByLabelText('Flavour'), {
      target: { value: 'pip' }
    });

    expect(button('Write requirements.in')).toBeInTheDocument();
    expect(screen.queryByLabelText('Channels')).toBeNull();
    expect(screen.queryByLabelText('Pip requirements')).toBeNull();
    expect(screen.getByLabelText('Requirements')).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(button('Cancel'));
    });
    await expect(result).resolves.toBeNull();
  });
});
