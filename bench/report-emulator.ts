// The Microsoft 365 emulator for bench/report.ts, in a process of its own (as Microsoft would be
// elsewhere), so that its CPU is not counted as Baitwise's. It is forked with an IPC channel: it
// sends its URLs once listening, then answers `{ id, claims }` with `{ id, token }` — a Graph token
// signed by its identity, what Outlook's nested-app-authentication bridge hands the add-in.
import { startEmulator } from '../emulator/src/server.js';

const emulator = await startEmulator({ port: 0, smtpPort: 0 });
const send = (m: unknown) => process.send?.(m);

process.on('message', async (m: { id: number; claims: Record<string, unknown> }) => {
  send({ id: m.id, token: await emulator.ctx.signer.sign(m.claims, 3600, Date.now()) });
});
process.on('disconnect', () => {
  void emulator.close().finally(() => process.exit(0));
});
send({ urls: emulator.urls });
