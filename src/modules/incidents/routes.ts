// /clients/:clientId/incidents (access 'client': another client's id answers 404 before the handler
// runs) and /incidents (access 'system': every client's inbox for an MSSP's analysts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Strict, Uuid } from '../../http/schemas.js';
import type { IncidentService } from './service.js';
import {
  AllIncidentsQuery,
  BodyQuery,
  BulkInput,
  IncidentDetail,
  IncidentPage,
  IncidentPatch,
  IncidentQuery,
  IncidentSettings,
  NoteInput,
  TimelineEvent,
} from './view.js';

const tags = ['incidents'];
const base = '/clients/:clientId/incidents';
const Params = Strict({ clientId: Uuid, incidentId: Uuid });
const ReportParams = Strict({ clientId: Uuid, incidentId: Uuid, reportId: Uuid });
const Updated = Type.Object({ updated: Type.Integer() });

export const incidentRoutes =
  (incidents: IncidentService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const cfg = { access: 'client' as const };

    app.get(
      base,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'The inbox: incidents (reports of one message grouped), a page at a time',
          params: ClientParams,
          querystring: IncidentQuery,
          response: { 200: IncidentPage },
        },
      },
      async (req) => incidents.list([req.params.clientId], req.query),
    );

    app.get(
      '/incidents',
      {
        config: { access: 'system' },
        schema: {
          tags,
          summary: "Every client's incidents (system administrators), the client named on each row",
          querystring: AllIncidentsQuery,
          response: { 200: IncidentPage },
        },
      },
      async (req) => {
        const { clientId, ...query } = req.query;
        return incidents.list(clientId ? [clientId] : null, query);
      },
    );

    app.post(
      `${base}/bulk`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Classify, assign, resolve or reopen many incidents (all or nothing)',
          params: ClientParams,
          body: BulkInput,
          response: { 200: Updated },
        },
      },
      async (req) => incidents.bulk(actorOf(req), req.params.clientId, req.body),
    );

    app.post(
      '/incidents/bulk',
      {
        config: { access: 'system' },
        schema: {
          tags,
          summary: "Bulk triage across clients (system administrators; ids may be any clients')",
          body: BulkInput,
          response: { 200: Updated },
        },
      },
      async (req) => incidents.bulk(actorOf(req), null, req.body),
    );

    app.get(
      `${base}/:incidentId`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'An incident: the message as analysed, its reports and its timeline (records a view)',
          params: Params,
          response: { 200: IncidentDetail },
        },
      },
      async (req) => incidents.get(actorOf(req), req.params.clientId, req.params.incidentId),
    );

    app.patch(
      `${base}/:incidentId`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Triage: status, verdict (reply: tell the reporters), assignee',
          params: Params,
          body: IncidentPatch,
          response: { 200: IncidentDetail },
        },
      },
      async (req) => incidents.update(actorOf(req), req.params.clientId, req.params.incidentId, req.body),
    );

    app.post(
      `${base}/:incidentId/notes`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Add a note to the timeline',
          params: Params,
          body: NoteInput,
          response: { 201: TimelineEvent },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await incidents.note(actorOf(req), req.params.clientId, req.params.incidentId, req.body.text)),
    );

    app.get(
      `${base}/:incidentId/body`,
      {
        config: cfg,
        schema: {
          tags,
          summary:
            'The first report’s body, made safe (sanitised HTML, remote images blocked unless remote=1; or text) for a sandboxed frame',
          params: Params,
          querystring: BodyQuery,
        },
        // After the app's own onSend (x-frame-options DENY): the console frames this, same origin only.
        onSend: async (_req, reply, payload) => {
          reply.header('x-frame-options', 'SAMEORIGIN');
          return payload;
        },
      },
      async (req, reply) => {
        const view = req.query.view ?? 'html';
        const remote = req.query.remote === '1';
        const body = await incidents.body(req.params.clientId, req.params.incidentId, view, remote);
        return reply
          .header('content-type', body.contentType)
          .header('content-security-policy', body.csp)
          .header('x-content-type-options', 'nosniff')
          .send(body.content);
      },
    );

    app.get(
      `${base}/:incidentId/reports/:reportId/eml`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'A report’s raw message (message/rfc822); 410 raw_message_deleted after retention',
          params: ReportParams,
        },
      },
      async (req, reply) => {
        const { clientId, incidentId, reportId } = req.params;
        const eml = await incidents.eml(actorOf(req), clientId, incidentId, reportId);
        return reply
          .header('content-type', 'message/rfc822')
          .header('content-disposition', `attachment; filename="report-${reportId}.eml"`)
          .send(eml);
      },
    );

    app.get(
      '/clients/:clientId/incident-settings',
      {
        config: cfg,
        schema: {
          tags,
          summary: 'How long raw reported messages are kept',
          params: ClientParams,
          response: { 200: IncidentSettings },
        },
      },
      async (req) => incidents.settings(req.params.clientId),
    );

    app.put(
      '/clients/:clientId/incident-settings',
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Set how long raw reported messages are kept (days; their summaries stay)',
          params: ClientParams,
          body: IncidentSettings,
          response: { 200: IncidentSettings },
        },
      },
      async (req) => incidents.saveSettings(actorOf(req), req.params.clientId, req.body),
    );
  };
