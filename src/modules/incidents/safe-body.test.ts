// The sanitiser's inline styles (safe-body.ts): formatting is kept; anything that loads (a remote
// background is a tracking beacon) or positions over the page is dropped, whatever the CSP does.
import { expect, it } from 'vitest';
import { sanitiseBody } from './safe-body.js';

it('keeps formatting styles and drops styles that load or position', () => {
  const html = sanitiseBody(
    [
      '<div style="color: #c00; font-weight: bold; background-image: url(https://evil.example/t.gif)">Pay now</div>',
      '<p style="background: url(&quot;https://evil.example/b.gif&quot;)">Beacon</p>',
      '<div style="position: fixed; top: 0; left: 0; width: 100%; height: 100%">Overlay</div>',
      '<span style="width: expression(alert(1))">Old IE</span>',
    ].join(''),
    { remote: false },
  );
  expect(html).toContain('color:#c00');
  expect(html).toContain('font-weight:bold');
  expect(html).not.toMatch(/url\(|evil\.example|position|expression/i);
  expect(html).toContain('width:100%');
  expect(html).toContain('Overlay');
});
