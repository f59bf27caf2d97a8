// A Graph send asks `held` after it has its token and before its request goes: a 429 that came
// back to another request meanwhile holds this one back, and nothing reaches Microsoft.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureAppRow, SendingProfilesTable } from '../../db/types.js';
import type { TokenService } from '../azure-apps/token-service.js';
import { graphSendMail, HeldBack } from './transports.js';

const requests: string[] = [];
const server = createServer((req, res) => {
  requests.push(`${req.method} ${req.url}`);
  req.resume();
  req.on('end', () => res.writeHead(202, { 'request-id': 'r-1' }).end());
});
let endpoint = '';
beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

// a token that takes a moment, as a database round trip does
const tokens = {
  accessToken: () => new Promise<string>((r) => setTimeout(() => r('token'), 10)),
  forget: () => undefined,
} as unknown as TokenService;
const transport = () =>
  graphSendMail(
    { mailbox: null, from_name: null } as SendingProfilesTable,
    { id: 'app', client_id: 'client', cloud: 'global', ms_upn: 'sender@tenant.example' } as AzureAppRow,
    {
      config: {
        microsoft: { graphEndpoint: endpoint, authorityHost: undefined, smtpEndpoint: undefined, smtpCa: undefined },
      },
      tokens,
    },
  );
const message = {
  from: 'sender@tenant.example',
  to: 'learner@tenant.example',
  mime: Buffer.from('Subject: x\r\n\r\ny'),
};

describe('graphSendMail', () => {
  it('sends when nothing holds it back', async () => {
    requests.length = 0;
    expect(await transport().send(message, { held: () => false })).toEqual({ providerId: 'r-1' });
    expect(requests).toEqual(['POST /v1.0/me/sendMail']);
  });

  it('holds the request back when `held` turned true while it got its token', async () => {
    requests.length = 0;
    let refused = false;
    setTimeout(() => {
      refused = true;
    }, 2);
    await expect(transport().send(message, { held: () => refused })).rejects.toBeInstanceOf(HeldBack);
    expect(requests).toEqual([]);
  });
});
