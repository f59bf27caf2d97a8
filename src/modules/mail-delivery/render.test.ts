// CSS inlining once per template (inline-css.ts): the message is byte for byte what inlining each
// rendered message gave, for every recipient, and juice runs once per template, not per message.
// Templates whose inlining could depend on the recipient are still inlined per message.
import juice from 'juice';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { inlinedAhead, renderMessage, renderThenInline } from './render.js';

vi.mock('juice', async (original) => {
  const real = ((await original()) as { default: typeof juice }).default;
  return { default: vi.fn((html: string) => real(html)) };
});
const juiceCalls = () => vi.mocked(juice).mock.calls.length;

const STYLED = `<!doctype html><html><head><meta charset="utf-8"><title>Hi {{ recipient.name }}</title><style>
body{font-family:Arial}.wrap{width:600px}td.head{background:#0b5cab;color:#fff}
.wrap p{margin:0 0 8px}a.btn{color:#fff;text-decoration:none} ul > li{color:#333}
@media (max-width: 600px) { .wrap { width: 100% } a:hover { color: red } }
</style></head><body><table class="wrap"><tr><td class="head">Hello {{ recipient.name }}</td></tr>
<tr><td><p>Dear {{ recipient.name }} of {{ department | upcase }},</p>
{% if manager %}<p>Your manager {{ manager }} asked for it by {{ due }}.</p>{% else %}<p>Please do it by {{ due }}.</p>{% endif %}
<ul>{% for c in courses %}<li title="{{ c }}">{{ forloop.index }}. {{ c }}</li>{% else %}<li>nothing yet</li>{% endfor %}</ul>
{% assign link = "https://learn.example/t/" | append: message.token %}
<a class="btn" href="{{ link }}?r={{ recipient.email | url_encode }}" title='{{ recipient.name }}'>Start</a>
</td></tr></table></body></html>`;

const recipients = [
  { name: 'Ann', email: 'ann@client.example', department: 'Finance', manager: 'Bob', courses: ['Phishing', 'MFA'] },
  {
    name: `O'Brien & <Partners> "Ltd"`,
    email: 'o.brien+x@client.example',
    department: 'Sales & Legal',
    manager: null,
    courses: [],
  },
  { name: 'Zoë\u00a0Ünal', email: 'zoe@client.example', department: 'R&D', manager: '', courses: ['A < B', 'C > D'] },
];
const contextFor = (r: (typeof recipients)[number], i: number) => ({
  department: r.department,
  manager: r.manager,
  due: '2026-06-30',
  courses: r.courses,
  recipient: { name: r.name, email: r.email },
  message: { id: `m${i}`, token: `bwm_token${i}` },
});

describe('CSS inlined once per template', () => {
  beforeEach(() => {
    vi.mocked(juice).mockClear();
  });

  it('renders what inlining each rendered message gave, for every recipient, with one inlining of the template', async () => {
    expect(inlinedAhead(STYLED)).toBe(true);
    const got: string[] = [];
    for (const [i, r] of recipients.entries()) {
      const m = await renderMessage({ subject: 'Hi {{ recipient.name }}', html: STYLED, text: null }, contextFor(r, i));
      got.push(m.html ?? '');
    }
    // The template once, and the first message once more as this process's check: not per message.
    expect(juiceCalls()).toBeLessThanOrEqual(2);
    for (const [i, r] of recipients.entries()) {
      expect(got[i]).toBe(await renderThenInline(STYLED, contextFor(r, i)));
    }
    expect(got[0]).toContain('<td class="head" style="background: #0b5cab; color: #fff;">Hello Ann</td>');
    expect(got[0]).toContain('href="https://learn.example/t/bwm_token0?r=ann%40client.example"');
    expect(got[1]).toContain('Dear O&#39;Brien &amp; &lt;Partners&gt; &#34;Ltd&#34; of SALES &amp; LEGAL');
    expect(got[1]).toContain('<li style="color: #333;">nothing yet</li>');
    expect(got[2]).toContain('<li title="C &gt; D" style="color: #333;">2. C &gt; D</li>');
  });

  it.each([
    [
      'a sibling selector over a loop',
      '<style>li + li{color:red}</style><ul>{% for c in cs %}<li>{{ c }}</li>{% endfor %}</ul>',
    ],
    [
      'a position selector',
      '<style>li:first-child{color:red}</style><ul>{% for c in cs %}<li>{{ c }}</li>{% endfor %}</ul>',
    ],
    ['an attribute selector', '<style>a[href^="https"]{color:red}</style><a href="{{ url }}">x</a>'],
    ['a class from a variable', '<style>.vip{color:red}</style><p class="{{ cls }}">x</p>'],
    ['a branch that leaves an element open', '<style>b{color:red}</style><div>{% if x %}<b>{% endif %}y</div>'],
    ['an element the parser closes itself', '<style>p{color:red}</style><p>{% if x %}<div>d</div>{% endif %}text</p>'],
    ['Liquid in the style block', '<style>p{color:{{ colour }}}</style><p>x</p>'],
    ['raw output', '<style>p{color:red}</style><p>{{ snippet | raw }}</p>'],
    ['whitespace control', '<style>p{color:red}</style><p>\n{%- if x -%}\n{{ url }}{%- endif -%}\n</p>'],
    [
      'markup written by a tag',
      '<style>td{color:red}</style><table>{% tablerow c in cs %}{{ c }}{% endtablerow %}</table>',
    ],
  ])('inlines per message, as before, a template with %s', async (_, html) => {
    expect(inlinedAhead(html)).toBe(false);
    for (const ctx of [
      { cs: ['a', 'b', 'c'], url: 'https://x.example', cls: 'vip', x: true, colour: 'blue', snippet: '<i>s</i>' },
      { cs: [], url: 'http://y.example', cls: 'plain', x: false, colour: 'red', snippet: '' },
    ]) {
      const m = await renderMessage({ subject: 's', html, text: null }, ctx);
      expect(m.html).toBe(await renderThenInline(html, ctx));
    }
  });
});

// Client administrators write these templates: what one may do is bounded, whatever it tries.
describe('the sandbox a template renders in', () => {
  const refused = (t: { subject?: string; html?: string | null; text?: string | null }) =>
    renderMessage({ subject: t.subject ?? 's', html: t.html ?? null, text: t.text ?? null }, { recipient: {} }).then(
      () => 'rendered',
      (err: Error) => err.message,
    );

  it('stops a template that renders for too long, naming the part', async () => {
    const loop = '{% for i in (1..3000) %}{% for j in (1..3000) %}{% endfor %}{% endfor %}';
    expect(await refused({ text: loop })).toMatch(/^The text template has an error \(line 1\): .*render limit/);
  });

  it('stops a template that builds more than its memory allows', async () => {
    const doubling =
      '{% assign s = "0123456789" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}';
    expect(await refused({ html: `<p>${doubling}</p>` })).toMatch(/^The html template has an error .*memory/);
  });

  it('reads no file and sees no inherited property', async () => {
    expect(await refused({ text: '{% include "/etc/passwd" %}' })).toMatch(/^The text template has an error/);
    expect(await refused({ text: '{% render "/etc/hostname" %}' })).toMatch(/^The text template has an error/);
    const m = await renderMessage(
      { subject: '{{ recipient.constructor.name }}|{{ recipient.__proto__ }}', html: null, text: 'x' },
      { recipient: { name: 'A' } },
    );
    expect(m.subject).toBe('|');
  });
});
