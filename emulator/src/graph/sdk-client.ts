// How Microsoft's Graph SDK is pointed at the emulator. The SDK only attaches the bearer token
// to https Graph hosts and only parses absolute https nextLinks, so a plain
// `Client.init({ baseUrl: 'http://127.0.0.1:…/graph/' })` sends no Authorization header and cannot
// follow nextLinks. Instead keep the real base URL and rewrite at the HTTP layer — the same trick
// MICROSOFT.md §2.1 recommends for MSAL — sending X-Forwarded-Host so the emulator writes
// https://graph.microsoft.com/v1.0/… links the SDK can follow.
import {
  AuthenticationHandler,
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';

const GRAPH = 'https://graph.microsoft.com';

class RewriteToEmulator implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly emulatorGraph: string) {}
  async execute(context: Context): Promise<void> {
    if (typeof context.request === 'string' && context.request.startsWith(GRAPH)) {
      context.request = this.emulatorGraph + context.request.slice(GRAPH.length);
      context.options = context.options ?? {};
      context.options.headers = {
        ...(context.options.headers as Record<string, string> | undefined),
        'X-Forwarded-Host': 'graph.microsoft.com',
        'X-Forwarded-Proto': 'https',
      };
    }
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** A Graph SDK client whose requests go to the emulator at `emulatorGraph` (…/graph). */
export function emulatorGraphClient(emulatorGraph: string, getToken: () => Promise<string>, retries = 0): Client {
  const auth = new AuthenticationHandler({ getAccessToken: getToken });
  const retry = new RetryHandler(new RetryHandlerOptions(0, retries));
  const rewrite = new RewriteToEmulator(emulatorGraph);
  auth.setNext(retry);
  retry.setNext(rewrite);
  rewrite.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: auth });
}
