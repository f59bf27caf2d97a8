// Starts the whole emulator in-process on free ports for identity and control tests.
import type { Clock } from '../model.js';
import { type Emulator, startEmulator } from '../server.js';

export type Harness = Emulator;

export function startHarness(clock?: Clock): Promise<Harness> {
  return startEmulator(clock ? { clock } : {});
}
