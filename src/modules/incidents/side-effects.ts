// What happens elsewhere when an incident is created or classified: the reporters' feedback replies
// (through the client's sending profile) and the client's webhook (a SIEM or SOAR). The incidents
// module calls these inside the transaction that records the change, so a reply or a delivery is
// enqueued exactly when the change commits — never for a change that rolled back, never lost for
// one that committed. The implementations live with what they send (feedback, webhooks) and are
// joined in the composition root.
import type { Db } from '../../db/connection.js';
import type { IncidentsTable } from '../../db/types.js';

export type IncidentRow = IncidentsTable;
export type Verdict = 'phishing' | 'spam' | 'clean' | 'simulation';

export interface ClassifiedIncident {
  incident: IncidentRow;
  verdict: Verdict;
  /** the incident's reporters (lower-cased, each once) with the report each made */
  reporters: { address: string; reportId: string }[];
  /** the analyst asked for the reporters to be told (the per-verdict reply) */
  reply: boolean;
  actorId: string | null;
}

export interface IncidentSideEffects {
  /** A new incident (its first report grouped). `trx` is the transaction that created it. */
  incidentCreated(trx: Db, incident: IncidentRow): Promise<void>;
  /** An incident classified (or re-classified). Returns how many replies were enqueued. */
  incidentClassified(trx: Db, change: ClassifiedIncident): Promise<{ replies: number }>;
}

/** No side effects: what a process without feedback or webhooks configured gets. */
export const noSideEffects: IncidentSideEffects = {
  incidentCreated: async () => {},
  incidentClassified: async () => ({ replies: 0 }),
};

/** Every side effect in turn (feedback, then webhooks), replies counted from all. */
export const allSideEffects = (...effects: IncidentSideEffects[]): IncidentSideEffects => ({
  async incidentCreated(trx, incident) {
    for (const e of effects) await e.incidentCreated(trx, incident);
  },
  async incidentClassified(trx, change) {
    let replies = 0;
    for (const e of effects) replies += (await e.incidentClassified(trx, change)).replies;
    return { replies };
  },
});
