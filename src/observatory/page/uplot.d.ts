/** The little of uPlot's API (node_modules/uplot, loaded as the global `uPlot` by uPlot.iife.min.js) the page uses. */
declare class uPlot {
  constructor(opts: uPlotOptions, data: Array<Array<number | null>>, target: HTMLElement);
  setData(data: Array<Array<number | null>>): void;
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
}
interface uPlotOptions {
  width: number;
  height: number;
  series: Array<{ label?: string; stroke?: string; width?: number; value?: (u: unknown, v: number | null) => string }>;
  axes?: Array<Record<string, unknown>>;
  scales?: Record<string, Record<string, unknown>>;
  legend?: { show?: boolean };
}
