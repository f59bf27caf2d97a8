// Rendering on a thread gives the message rendering on the event loop's thread gives; a template
// error comes back as the template's (RenderError, with its line); a thread that dies fails what
// it had with an error that is not the template's, and the next message gets a new thread.
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { type Envelope, RenderError, RenderPool } from './render-pool.js';

const envelope: Envelope = {
  from: { address: 'security@mail.example', name: 'Security Team' },
  to: { address: 'zoë@client.example', name: 'Zoë Ünal' },
  messageId: 'm1@mail.example',
  headers: [{ name: 'X-Campaign-Ref', value: 'awareness-2026' }],
};
const templates = {
  subject: 'Training for {{ recipient.name }}',
  html: '<html><head><style>p{color:#123456}</style></head><body><p>Hello {{ recipient.name }}, {{ due }}</p></body></html>',
  text: null,
};
const context = { recipient: { name: 'Zoë Ünal', email: 'zoë@client.example' }, due: '30 June' };

const pools: RenderPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});
const pool = (threads: number) => {
  const p = new RenderPool(threads);
  pools.push(p);
  return p;
};

describe('RenderPool', () => {
  it('renders on a thread what the calling thread renders: subject, inlined HTML, text part, headers', async () => {
    const [threaded, here] = await Promise.all([
      pool(1).render(templates, context, envelope),
      pool(0).render(templates, context, envelope),
    ]);
    const [a, b] = await Promise.all([simpleParser(threaded.mime), simpleParser(here.mime)]);
    expect(threaded.subject).toBe('Training for Zoë Ünal');
    expect(a.subject).toBe(b.subject);
    expect(a.html).toBe(b.html);
    expect(a.html).toContain('style="color: #123456;"');
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('Hello Zoë Ünal, 30 June');
    expect(a.headers.get('x-campaign-ref')).toBe('awareness-2026');
    expect(a.messageId).toBe('<m1@mail.example>');
  });

  it("returns a template's error as the template's, naming the part and line", async () => {
    const err = await pool(1)
      .render({ ...templates, html: '<p>\n{% if %}</p>' }, context, envelope)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as Error).message).toMatch(/html template has an error \(line 2\)/);
  });

  it('fails what a dying thread had with an error that is not the template’s, and goes on with a new thread', async () => {
    const p = pool(1);
    await p.render(templates, context, envelope);
    const threads = (p as unknown as { threads: { close(): Promise<number> }[] }).threads;
    // a template that keeps the thread busy while it is ended (a loop that writes nothing)
    const slow = { ...templates, subject: '{% for i in (1..300000) %}{% endfor %}Slow' };
    const pending = p.render(slow, context, envelope).catch((e: unknown) => e);
    await threads[0]?.close();
    const err = await pending;
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RenderError);
    const again = await p.render(templates, context, envelope);
    expect(again.subject).toBe('Training for Zoë Ünal');
  });
});
