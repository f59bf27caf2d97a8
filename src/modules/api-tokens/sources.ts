// The source addresses each API token has been used from. A token is a password that lives in
// scripts and CI settings: when it is first used from an address it has never come from, the
// audit log says so (with the address and user agent), which is how a leaked token is noticed.
// An address is a source as the sign-in lockout counts them: an IPv4 address, or an IPv6 /64
// (one subscriber's network, whose low bits change on their own).
//
// Known (token, source) pairs are remembered in memory too, so the usual request (a known token
// from a known place) costs no query; the table is the truth, shared by every process.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { sourceOf } from '../auth/login-throttle.js';

const KNOWN_MAX = 10_000;

export class TokenSources {
  private readonly known = new Set<string>();

  constructor(private readonly db: Db) {}

  /** Records the token's first use from this actor's source; does nothing for a known source. */
  async note(actor: Actor & { tokenId: string }): Promise<void> {
    const source = sourceOf(actor.ip);
    const key = `${actor.tokenId}|${source}`;
    if (this.known.has(key)) return;
    await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('api_token_sources')
        .values({ token_id: actor.tokenId, source, first_seen_at: nowIso() })
        .onConflict((oc) => oc.columns(['token_id', 'source']).doNothing())
        .returning('token_id')
        .executeTakeFirst();
      // Only the request that added the source records it: concurrent first uses write one entry.
      if (inserted) {
        await recordAudit(trx, actor, {
          clientId: null,
          action: 'api_token.new_address',
          targetType: 'api_token',
          targetId: actor.tokenId,
          details: { source },
        });
      }
    });
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.add(key);
  }
}
