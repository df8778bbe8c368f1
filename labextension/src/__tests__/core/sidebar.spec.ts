import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { MLXSidebar } from '../../core/sidebar';

function section(label: string): Widget {
  const widget = new Widget();
  widget.title.label = label;
  return widget;
}

describe('MLXSidebar', () => {
  it('is the left-area panel captioned MLX', () => {
    const sidebar = new MLXSidebar(nullTranslator);

    expect(sidebar.id).toBe('jp-mlx-sidebar');
    expect(sidebar.title.caption).toBe('MLX');
    expect(sidebar.title.icon).toBeTruthy();
    sidebar.dispose();
  });

  it('orders sections by rank, equal ranks in the order added', () => {
    const sidebar = new MLXSidebar(nullTranslator);

    sidebar.addSection(section('Server status'), { rank: 1000 });
    sidebar.addSection(section('Jobs'), { rank: 200 });
    sidebar.addSection(section('Experiments'), { rank: 100 });
    sidebar.addSection(section('Environments'), { rank: 200 });

    expect(sidebar.sections.map(widget => widget.title.label)).toEqual([
      'Experiments',
      'Jobs',
      'Environments',
      'Server status'
    ]);
    sidebar.dispose();
  });
});
