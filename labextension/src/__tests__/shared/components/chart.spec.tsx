import { render, screen } from '@testing-library/react';
import React from 'react';

import { metricChartOption } from '../../../shared/charts/options';
import {
  type IChartColors,
  readChartColors
} from '../../../shared/charts/theme';
import { EChart } from '../../../shared/components/chart';

// Canvas drawing is not available in jsdom: charts record what they draw.
const chart = {
  setOption: jest.fn(),
  resize: jest.fn(),
  dispose: jest.fn()
};
jest.mock('../../../shared/charts/echarts', () => ({
  createChart: () => chart
}));

const series = { key: 'loss', steps: [0, 1], values: { a: [0.9, 0.4] } };
const runs = [{ id: 'a', name: 'run-a' }];

function option(colors: IChartColors) {
  return metricChartOption(series, runs, colors, 'step');
}

describe('EChart', () => {
  beforeEach(() => {
    chart.setOption.mockClear();
    chart.dispose.mockClear();
  });

  it('draws its option and exposes the text colour it draws with', () => {
    // Given the colours of a dark theme
    const dark = { ...readChartColors(), text: 'rgba(255, 255, 255, 1)' };

    // When the chart renders
    const { rerender, unmount } = render(
      <EChart option={option(dark)} label="History of metric loss" />
    );

    // Then it is drawn with them, and says so on its element
    const element = screen.getByRole('img', { name: 'History of metric loss' });
    expect(element).toHaveAttribute(
      'data-text-color',
      'rgba(255, 255, 255, 1)'
    );
    expect(chart.setOption).toHaveBeenCalledTimes(1);
    expect(chart.setOption.mock.calls[0][0].textStyle.color).toBe(
      'rgba(255, 255, 255, 1)'
    );

    // When the theme changes, the chart is drawn again in the new colours
    const light = { ...dark, text: 'rgba(0, 0, 0, 0.87)' };
    rerender(<EChart option={option(light)} label="History of metric loss" />);
    expect(element).toHaveAttribute('data-text-color', 'rgba(0, 0, 0, 0.87)');
    expect(chart.setOption).toHaveBeenCalledTimes(2);

    // And the chart is released with its element
    unmount();
    expect(chart.dispose).toHaveBeenCalled();
  });
});
