import '@mantine/core/styles.css';
import './learn.css';
import { type CSSVariablesResolver, createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LearnerApp } from './LearnerApp';

// Indigo at shade 8 on white is 6.6:1 (AA for text and controls); the console's shade 6 is not
// enough for the small text of buttons. The focus ring shows for keyboard users (WCAG 2.4.7).
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'md',
  focusRing: 'auto',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
});

// Mantine's "dimmed" grey (input descriptions, hints) is 3.3:1 on white; gray.7 is 8:1 (WCAG 1.4.3).
const resolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

const root = document.getElementById('root');
if (!root) throw new Error('learn.html lacks the #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={resolver}>
      <LearnerApp />
    </MantineProvider>
  </StrictMode>,
);
