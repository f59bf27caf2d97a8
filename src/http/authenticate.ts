// Resolves the actor for every /api request and enforces the route's declared access rule.
// Runs before validation so that an unauthenticated request learns nothing about the schema.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/connection.js';
import { isUrgent } from '../db/urgent.js';
import { ClientArchivedError, CsrfError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../lib/errors.js';
import { nowIso } from '../lib/ids.js';
import { csrfFor, safeEqual, sha256 } from '../lib/tokens.js';
import { findLiveApiToken, touchApiToken } from '../modules/api-tokens/repository.js';
import { TokenSources } from '../modules/api-tokens/sources.js';
import { findLiveSession, touchSession } from '../modules/auth/repository.js';
import { isClientArchived } from '../modules/clients/repository.js';
import { parseClientIds } from '../modules/operators/repository.js';
import { type Access, type Actor, canSeeClient } from './actor.js';
import type { ActorCache, ActorRows, SessionRows, TokenRows } from './actor-cache.js';

export const SESSION_COOKIE = 'bw_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_INTERVAL_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/**
 * Urgent requests (sign-in, the session: db/urgent.ts) keep entries of their own: one that found
 * a load started by a search would wait with it behind the flood of searches it is meant to pass
 * (measured on PostgreSQL: `/auth/me` p99 under a search flood 93 → 541 ms).
 */
const lane = () => (isUrgent() ? 'urgent:' : '');

async function resolveActor(db: Db, actors: ActorCache<ActorRows>, req: FastifyRequest): Promise<Actor | null> {
  const now = nowIso();
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const hash = sha256(auth.slice(7).trim());
    const token = (await actors.get(`${lane()}token:${hash}`, () => findLiveApiToken(db, hash, now))) as
      | TokenRows
      | undefined;
    if (!token) throw new UnauthenticatedError('The API token is invalid, expired or revoked.');
    if (!token.last_used_at || Date.parse(now) - Date.parse(token.last_used_at) > TOUCH_INTERVAL_MS) {
      await touchApiToken(db, token.token_id, now);
    }
    return {
      operatorId: token.id,
      email: token.email,
      name: token.name,
      role: token.role,
      clientIds: new Set(parseClientIds(token.client_ids)),
      via: 'token',
      sessionId: null,
      tokenId: token.token_id,
      ip: req.ip,
      userAgent: req.headers['user-agent'] ?? null,
    };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const hash = sha256(cookie);
  const s = (await actors.get(`${lane()}session:${hash}`, () => findLiveSession(db, hash, now))) as
    | SessionRows
    | undefined;
  if (!s) return null;
  if (Date.parse(now) - Date.parse(s.last_seen_at) > TOUCH_INTERVAL_MS) await touchSession(db, s.session_id, now);
  return {
    operatorId: s.id,
    email: s.email,
    name: s.name,
    role: s.role,
    clientIds: new Set(parseClientIds(s.client_ids)),
    via: 'session',
    sessionId: s.session_id,
    tokenId: null,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  };
}

export function authenticate(db: Db, actors: ActorCache<ActorRows>) {
  const tokenSources = new TokenSources(db);
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access = req.routeOptions.config.access;
    req.actor = null;
    if (access === undefined) return; // non-API routes (console assets)
    if (access === 'public') {
      // Public routes still learn who is signed in (e.g. login replacing a session), but never fail on it.
      req.actor = await resolveActor(db, actors, req).catch(() => null);
      return;
    }
    const actor = await resolveActor(db, actors, req);
    if (!actor) throw new UnauthenticatedError();
    // Before any refusal below: a token used from a new address is news even when it is refused.
    if (actor.tokenId) await tokenSources.note({ ...actor, tokenId: actor.tokenId });
    if (actor.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const header = req.headers['x-csrf-token'];
      const cookie = req.cookies[SESSION_COOKIE] ?? '';
      if (typeof header !== 'string' || !safeEqual(header, csrfFor(cookie))) throw new CsrfError();
    }
    req.actor = actor;
    if (access === 'system' && actor.role !== 'system_admin') throw new ForbiddenError();
    if (access === 'client') {
      const clientId = (req.params as Record<string, string> | undefined)?.clientId;
      if (!clientId || !canSeeClient(actor, clientId)) throw new NotFoundError('Client');
      // An archived client is read-only, for every route of it and every role: one check here
      // rather than one per handler. After the visibility check, so another client's archived
      // client still answers 404. Restoring it is PATCH /clients/:clientId (a system route).
      if (!SAFE_METHODS.has(req.method) && (await isClientArchived(db, clientId))) throw new ClientArchivedError();
    }
  };
}

/** The actor of a route whose access rule guarantees one. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}
