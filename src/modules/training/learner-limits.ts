// Rate limits of the learner portal (its pages and its API), per source address and per link:
// the link is a bearer token anyone holding it can hammer, and the portal has no account to lock.
// Per process, in memory: abuse control, not accounting.
import type { FastifyRequest } from 'fastify';
import { RateLimitedError } from '../../lib/errors.js';
import { FixedWindowLimiter } from '../../lib/rate-limit.js';

export class LearnerLimits {
  private readonly byAddress: FixedWindowLimiter;
  private readonly byLink: FixedWindowLimiter;

  constructor(limits: { perAddress: number; perLink: number }) {
    this.byAddress = new FixedWindowLimiter(limits.perAddress, 60_000);
    this.byLink = new FixedWindowLimiter(limits.perLink, 60_000);
  }

  /** Only the address: a SCORM package's many files share one link. */
  checkAddress(req: FastifyRequest): void {
    const wait = this.byAddress.hit(req.ip);
    if (wait > 0) throw new RateLimitedError(wait);
  }

  /** Throws 429 (with Retry-After) when either limit is exceeded. */
  check(req: FastifyRequest, token: string): void {
    const wait = Math.max(this.byAddress.hit(req.ip), this.byLink.hit(token.slice(0, 200)));
    if (wait > 0) throw new RateLimitedError(wait);
  }
}
