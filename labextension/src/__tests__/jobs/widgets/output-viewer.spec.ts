import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { JobOutputViewer } from '../../../jobs/widgets/output-viewer';
import { makeAPIError, makeClient } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('JobOutputViewer', () => {
  let client: ReturnType<typeof makeClient>;
  let viewer: JobOutputViewer;
  const createObjectURL = jest.fn(() => 'blob:output-1');
  const revokeObjectURL = jest.fn();

  beforeAll(() => {
    // jsdom has no object URLs.
    Object.assign(URL, { createObjectURL, revokeObjectURL });
  });

  beforeEach(() => {
    client = makeClient();
    client.getJobRunOutput.mockResolvedValue(
      new Blob(['<html></html>'], { type: 'text/html' })
    );
    createObjectURL.mockClear();
    revokeObjectURL.mockClear();
  });

  afterEach(() => {
    viewer.dispose();
  });

  function open(cellIndex: number | null = null): JobOutputViewer {
    viewer = new JobOutputViewer({
      client,
      runId: 'jr-1',
      notebook: 'work/train.ipynb',
      cellIndex,
      trans
    });
    Widget.attach(viewer, document.body);
    return viewer;
  }

  function frame(): HTMLIFrameElement {
    return viewer.node.querySelector('iframe') as HTMLIFrameElement;
  }

  it('shows the HTML render in a sandboxed frame', async () => {
    await open().load();

    expect(client.getJobRunOutput).toHaveBeenCalledWith('jr-1', 'html');
    expect(viewer.title.label).toBe('Output · train.ipynb');
    expect(frame().getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame().getAttribute('src')).toBe('blob:output-1');
    expect(viewer.node).toHaveAttribute('aria-busy', 'false');
  });

  it('scrolls to a cell by its anchor, and to another on request', async () => {
    await open(4).load();
    expect(frame().getAttribute('src')).toBe('blob:output-1#cell-4');
    expect(viewer.node.dataset.cellIndex).toBe('4');

    viewer.showCell(9);

    expect(frame().getAttribute('src')).toBe('blob:output-1#cell-9');
    expect(viewer.cellIndex).toBe(9);
    expect(createObjectURL).toHaveBeenCalledTimes(1);
  });

  it("shows the server's message when there is no output", async () => {
    client.getJobRunOutput.mockRejectedValue(
      makeAPIError(404, "Job run 'jr-1' has no output yet")
    );

    await open().load();

    expect(viewer.node.querySelector('[role="alert"]')).toHaveTextContent(
      "Cannot show the output notebook: Job run 'jr-1' has no output yet"
    );
    expect(frame()).toBeNull();
  });

  it('revokes its blob URL when closed', async () => {
    await open().load();

    viewer.dispose();

    expect(revokeObjectURL).toHaveBeenCalledWith('blob:output-1');
  });
});
