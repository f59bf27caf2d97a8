// Admin-consent workflow reviews: listing, approving (→ tenant-wide grant of the requested
// scopes) and denying requests, as JSON for tests and as an HTML page for a human reviewer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { esc, layout } from '../identity/pages.js';
import type { ConsentRequest, Store } from '../model.js';

export function decide(
  store: Store,
  id: string,
  decision: 'approved' | 'denied',
  reviewerId: string | null,
): ConsentRequest | { error: string; status: number } {
  const r = store.consentRequests.get(id);
  if (!r) return { error: `consent request ${id} not found`, status: 404 };
  if (r.status !== 'pending') return { error: `consent request ${id} is already ${r.status}`, status: 409 };
  const tenant = store.tenants.get(r.tenantId);
  if (reviewerId && tenant && tenant.adminConsentWorkflow.reviewerIds.length > 0) {
    const reviewer = store.users.get(reviewerId);
    if (!tenant.adminConsentWorkflow.reviewerIds.includes(reviewerId) && !reviewer?.isAdmin) {
      return { error: `user ${reviewerId} is not a reviewer of tenant ${r.tenantId}`, status: 403 };
    }
  }
  r.status = decision;
  r.decidedBy = reviewerId;
  if (decision === 'approved') store.grant(r.tenantId, r.clientId, null, r.scopes);
  return r;
}

export function listRequests(store: Store, q: { tenantId?: string; status?: string }): ConsentRequest[] {
  return [...store.consentRequests.values()].filter(
    (r) => (!q.tenantId || r.tenantId === q.tenantId) && (!q.status || r.status === q.status),
  );
}

function page(store: Store, requests: ConsentRequest[]): string {
  const rows = requests
    .map((r) => {
      const user = store.users.get(r.userId);
      const app = store.apps.get(r.clientId);
      const tenant = store.tenants.get(r.tenantId);
      const buttons =
        r.status === 'pending'
          ? `<form method="post" action="/_emulator/consent-requests/${esc(r.id)}/approve" style="display:inline"><button type="submit">Approve</button></form>
<form method="post" action="/_emulator/consent-requests/${esc(r.id)}/deny" style="display:inline"><button type="submit" class="secondary">Deny</button></form>`
          : esc(r.status);
      return `<tr data-request-id="${esc(r.id)}"><td>${esc(tenant?.displayName ?? r.tenantId)}</td><td>${esc(app?.displayName ?? r.clientId)}</td>
<td>${esc(user?.userPrincipalName ?? r.userId)}</td><td>${esc(r.scopes.join(' '))}</td><td>${esc(r.justification)}</td><td>${buttons}</td></tr>`;
    })
    .join('');
  return layout(
    'Admin consent requests',
    `<h1>Admin consent requests</h1>
<table><thead><tr><th>Tenant</th><th>App</th><th>Requested by</th><th>Permissions</th><th>Justification</th><th></th></tr></thead>
<tbody>${rows || '<tr><td colspan="6">No requests</td></tr>'}</tbody></table>`,
  );
}

const wantsHtml = (req: FastifyRequest) => {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && (req.query as Record<string, string>).format !== 'json';
};

export function registerConsentReview(app: FastifyInstance, ctx: EmulatorContext): void {
  const store = ctx.store;

  app.get('/_emulator/consent-requests', async (req, reply) => {
    const q = req.query as { tenantId?: string; status?: string };
    const list = listRequests(store, q);
    if (wantsHtml(req)) return reply.header('content-type', 'text/html; charset=utf-8').send(page(store, list));
    return reply.send({ value: list });
  });

  const handler = (decision: 'approved' | 'denied') => async (req: FastifyRequest, reply: FastifyReply) => {
    const { id } = req.params as { id: string };
    const body = (req.body ?? {}) as { reviewerId?: string };
    const out = decide(store, id, decision, body.reviewerId ?? null);
    // Browser form posts go back to the list (post/redirect/get); API callers get JSON.
    const fromForm = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    if ('error' in out) return fromForm ? reply.code(out.status).send(out.error) : reply.code(out.status).send(out);
    if (fromForm) return reply.redirect('/_emulator/consent-requests', 303);
    return reply.send(out);
  };
  app.post('/_emulator/consent-requests/:id/approve', handler('approved'));
  app.post('/_emulator/consent-requests/:id/deny', handler('denied'));
}
