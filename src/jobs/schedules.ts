// Runs the schedules modules declare (see definition.ts), each on its own timer. A failing run is
// logged and the schedule goes on: the next tick retries whatever the last one left.
import type { Logger } from '../lib/logger.js';
import type { Schedule } from './definition.js';

export function startSchedules(schedules: readonly Schedule[], logger: Logger): { stop(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  for (const s of schedules) {
    const tick = async () => {
      try {
        await s.run();
      } catch (err) {
        logger.error({ err, schedule: s.name }, 'scheduled work failed');
      }
      if (!stopped) arm(s.everyMs);
    };
    // unref'd: a schedule alone never keeps a process alive (the job runner does while started).
    const arm = (ms: number) => timers.set(s.name, setTimeout(() => void tick(), ms).unref());
    arm(s.firstAfterMs ?? 1_000);
  }
  return {
    stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
