import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  Drawer,
  darken,
  type MantineColorsTuple,
  Modal,
  Table,
} from '@mantine/core';

// WCAG 2.1 AA asks 4.5:1 for text. Mantine's default palettes fall short for text in a colour on
// the light backgrounds the console uses: a filled button's white label on shade 6 (indigo 4.3:1,
// green 2.4:1), a link or outline badge in shade 6 on the page's gray-0, a light badge's shade 9
// on its shade-1 tint (green 3.8:1, orange 3.6:1) or the shade-2 tint under the pointer (an active
// navigation link hovered). Each palette's shades 6–9 (the ones text and
// filled backgrounds use) are darkened just enough to reach the ratio on all of those, keeping the
// hue and the light shades (backgrounds, tints) as they are.
const TARGET = 4.6; // a little over 4.5, for rounding in the browser's colour maths

function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function toHex(color: string): string {
  const m = color.match(/\d+(\.\d+)?/g);
  if (!color.startsWith('rgb') || !m) return color;
  return `#${m
    .slice(0, 3)
    .map((v) => Math.round(Number(v)).toString(16).padStart(2, '0'))
    .join('')}`;
}

function readable(palette: MantineColorsTuple): MantineColorsTuple {
  const gray0 = DEFAULT_THEME.colors.gray[0];
  const backgrounds = ['#ffffff', gray0, palette[1], palette[2]];
  const shades = [...palette] as string[];
  for (let i = 6; i <= 9; i++) {
    let shade = shades[i] as string;
    const previous = shades[i - 1] as string;
    for (let step = 0; step < 40; step++) {
      const enough = backgrounds.every((bg) => contrast(shade, bg) >= TARGET);
      // never lighter than the shade before it, so the scale stays a scale
      if (enough && (i === 6 || luminance(shade) <= luminance(previous))) break;
      shade = toHex(darken(shade, 0.03));
    }
    shades[i] = shade;
  }
  return shades as unknown as MantineColorsTuple;
}

const colors = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors).map(([name, palette]) => [name, readable(palette)]),
) as Record<string, MantineColorsTuple>;

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  colors,
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  components: {
    // Mantine's close button is an icon alone: without a label a screen reader announces "button".
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // A table wider than the window scrolls sideways inside its container; the keyboard can
    // scroll it only if the container takes the focus (WCAG 2.1.1).
    TableScrollContainer: Table.ScrollContainer.extend({
      defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
  },
});

/**
 * Placeholder text (a picker's "Choose…") is gray-5 by default, 2.3:1; gray-6 is readable with the
 * palettes above (dimmed text uses it too).
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-placeholder': 'var(--mantine-color-gray-6)' },
  dark: {},
});
