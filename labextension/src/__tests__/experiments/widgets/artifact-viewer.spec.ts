import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { screen, within } from '@testing-library/react';

import {
  ArtifactViewer,
  artifactKind
} from '../../../experiments/widgets/artifact-viewer';
import { makeAPIError, makeClient } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

/**
 * An artifact's bytes as the client returns them: the body of a response.
 */
function blob(content: string, type: string): Promise<Blob> {
  return new Response(content, { headers: { 'Content-Type': type } }).blob();
}

describe('artifactKind', () => {
  it.each([
    ['notebook/train.ipynb', 'notebook'],
    ['report.html', 'html'],
    ['report.HTM', 'html'],
    ['plots/loss.png', 'image'],
    ['plots/graph.svg', 'image'],
    ['metrics.json', 'text'],
    ['logs/train.log', 'text'],
    ['model/MLmodel', 'text'],
    ['model/requirements.txt', 'text'],
    ['model/model.pkl', 'other'],
    ['weights', 'other']
  ])('shows %s as %s', (path, kind) => {
    expect(artifactKind(path)).toBe(kind);
  });
});

describe('ArtifactViewer', () => {
  let client: ReturnType<typeof makeClient>;
  let viewer: ArtifactViewer;
  const createObjectURL = jest.fn((blob: Blob) => `blob:artifact-${blob.size}`);
  const revokeObjectURL = jest.fn();

  beforeAll(() => {
    // jsdom has no object URLs.
    Object.assign(URL, { createObjectURL, revokeObjectURL });
  });

  beforeEach(() => {
    client = makeClient();
    createObjectURL.mockClear();
    revokeObjectURL.mockClear();
  });

  afterEach(() => {
    viewer.dispose();
  });

  function open(
    path: string,
    kind?: ArtifactViewer.IOptions['kind']
  ): ArtifactViewer {
    viewer = new ArtifactViewer({ client, runId: 'run-1', path, kind, trans });
    Widget.attach(viewer, document.body);
    return viewer;
  }

  it('says it is loading until the artifact arrives', () => {
    client.getArtifact.mockReturnValue(new Promise(() => undefined));

    open('metrics.json');

    expect(viewer.node).toHaveAttribute('aria-busy', 'true');
    expect(viewer.node).toHaveTextContent('Loading metrics.json…');
  });

  it('shows text in a preformatted block, JSON indented', async () => {
    client.getArtifact.mockResolvedValue(
      await blob('{"loss":0.25,"epochs":5}', 'application/json')
    );

    await open('metrics.json').load();

    expect(client.getArtifact).toHaveBeenCalledWith(
      'run-1',
      'metrics.json',
      null
    );
    expect(viewer.node).toHaveAttribute('aria-busy', 'false');
    const text = viewer.node.querySelector('pre.jp-mlx-ArtifactViewer-text');
    expect(text?.textContent).toBe('{\n  "loss": 0.25,\n  "epochs": 5\n}');
    expect(viewer.node.querySelector('iframe, img')).toBeNull();
  });

  it('shows the beginning of a long text and says it was cut', async () => {
    const size = 2 * 1024 * 1024 + 10;
    client.getArtifact.mockResolvedValue(
      await blob('x'.repeat(size), 'text/plain')
    );

    await open('logs/train.log').load();

    const text = viewer.node.querySelector('pre');
    expect(text?.textContent).toHaveLength(2 * 1024 * 1024);
    expect(viewer.node).toHaveTextContent('Only the first 2 MB are shown.');
  });

  it('shows an image from an object URL, named by its path', async () => {
    client.getArtifact.mockResolvedValue(await blob('png', 'image/png'));

    await open('plots/loss.png').load();

    const image = screen.getByRole('img', { name: 'plots/loss.png' });
    expect(image).toHaveAttribute('src', 'blob:artifact-3');
  });

  it('shows HTML in a sandboxed frame that cannot reach the page', async () => {
    client.getArtifact.mockResolvedValue(
      await blob('<p>report</p>', 'text/html')
    );

    await open('report.html').load();

    const frame = viewer.node.querySelector('iframe');
    expect(frame).not.toBeNull();
    expect(frame).toHaveAttribute('sandbox', 'allow-scripts');
    expect(frame).toHaveAttribute('title', 'report.html');
    expect(frame).toHaveAttribute('src', 'blob:artifact-13');
  });

  it('asks the server to render a notebook and frames the result', async () => {
    client.getArtifact.mockResolvedValue(
      await blob('<html>notebook</html>', 'text/html')
    );

    await open('notebook/train.ipynb').load();

    expect(viewer.kind).toBe('notebook');
    expect(client.getArtifact).toHaveBeenCalledWith(
      'run-1',
      'notebook/train.ipynb',
      'html'
    );
    expect(viewer.node.querySelector('iframe')).toHaveAttribute(
      'sandbox',
      'allow-scripts'
    );
  });

  it('offers to download what it cannot show', async () => {
    client.getArtifact.mockResolvedValue(
      await blob('bytes', 'application/octet-stream')
    );

    await open('model/model.pkl').load();

    expect(viewer.node).toHaveTextContent(
      'model/model.pkl cannot be shown here.'
    );
    const link = within(viewer.node).getByRole('link', { name: 'Download' });
    expect(link).toHaveAttribute('href', 'blob:artifact-5');
    expect(link).toHaveAttribute('download', 'model.pkl');
  });

  it("shows the server's message when the artifact cannot be fetched", async () => {
    client.getArtifact.mockRejectedValue(
      makeAPIError(404, "No artifact 'plots/gone.png' in run 'run-1'")
    );

    await open('plots/gone.png').load();

    expect(viewer.node).toHaveAttribute('aria-busy', 'false');
    expect(within(viewer.node).getByRole('alert')).toHaveTextContent(
      "Cannot show plots/gone.png: No artifact 'plots/gone.png' in run 'run-1'"
    );
    expect(viewer.node.querySelector('img')).toBeNull();
  });

  it('revokes its object URL when closed', async () => {
    client.getArtifact.mockResolvedValue(await blob('png', 'image/png'));
    await open('plots/loss.png').load();

    viewer.dispose();

    expect(revokeObjectURL).toHaveBeenCalledWith('blob:artifact-3');
  });

  it('shows nothing when closed before the artifact arrives', async () => {
    let answer: (blob: Blob) => void = () => undefined;
    client.getArtifact.mockReturnValue(
      new Promise<Blob>(resolve => (answer = resolve))
    );
    open('plots/loss.png');
    const loading = viewer.load();

    viewer.dispose();
    answer(await blob('png', 'image/png'));
    await loading;

    expect(createObjectURL).not.toHaveBeenCalled();
  });
});
