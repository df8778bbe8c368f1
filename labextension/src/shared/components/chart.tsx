import React, { useEffect, useRef } from 'react';

import { type Chart, type ChartOption, createChart } from '../charts/echarts';

/**
 * Properties of a chart.
 */
export interface IChartProps {
  /**
   * What to draw; a new option redraws the chart.
   */
  option: ChartOption;
  /**
   * Accessible name of the chart.
   */
  label: string;
  /**
   * Extra class of the chart's element (which sets its size).
   */
  className?: string;
}

/**
 * An ECharts chart that fills its element and follows its size.
 *
 * The element's `data-text-color` is the main text colour the chart is drawn
 * with (the option's `textStyle.color`): canvas text cannot be inspected, so
 * this is how a browser test checks that the charts follow the theme.
 */
export function EChart(props: IChartProps): JSX.Element {
  const { option, label, className } = props;
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    const node = element.current;
    if (!node) {
      return;
    }
    const instance = createChart(node);
    chart.current = instance;
    const observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => {
            if (node.clientWidth > 0 && node.clientHeight > 0) {
              instance.resize();
            }
          });
    observer?.observe(node);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={element}
      className={className ? `jp-mlx-Chart ${className}` : 'jp-mlx-Chart'}
      role="img"
      aria-label={label}
      title={label}
      data-text-color={textColor(option)}
    />
  );
}

/**
 * The main text colour of an option, when it sets one.
 */
function textColor(option: ChartOption): string | undefined {
  const style = (option as { textStyle?: { color?: unknown } }).textStyle;
  return typeof style?.color === 'string' ? style.color : undefined;
}
