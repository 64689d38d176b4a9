import { useMemo } from 'react';
import { useAppStore } from '../../stores/app';

export interface ChartColours {
  accent: string;
  up: string;
  down: string;
  warn: string;
  text: string;
  grid: string;
  panel: string;
  body: string;
  violet: string;
}

/** The theme's colours as the SVG needs them (presentation attributes take no CSS variables). */
export function useChartColours(): ChartColours {
  const theme = useAppStore((s) => s.settings?.values.theme ?? 'dark');
  return useMemo(() => {
    void theme;
    const style = getComputedStyle(document.documentElement);
    const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    return {
      accent: css('--accent', '#4c8dff'),
      up: css('--up', '#26a69a'),
      down: css('--down', '#ef5350'),
      warn: css('--warn', '#f0b429'),
      text: css('--muted', '#8d96a7'),
      grid: css('--border', '#2a303b'),
      panel: css('--panel-2', '#1d222b'),
      body: css('--text', '#e6e9ef'),
      violet: '#b39ddb',
    };
  }, [theme]);
}

/** The tooltip box in the theme's colours. */
export function tooltipStyles(colours: ChartColours) {
  return {
    contentStyle: { background: colours.panel, border: `1px solid ${colours.grid}`, color: colours.body, fontSize: 12 },
    labelStyle: { color: colours.text },
    itemStyle: { color: colours.body },
  };
}
