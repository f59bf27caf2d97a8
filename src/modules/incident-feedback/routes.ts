// /clients/:clientId/incident-feedback: the replies reporters get when an incident is classified.
// Every route is access 'client'.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams } from '../../http/schemas.js';
import type { IncidentFeedbackService } from './service.js';
import { FeedbackInput, FeedbackSchema, PreviewInput, PreviewSchema } from './view.js';

const tags = ['incident-feedback'];
const base = '/clients/:clientId/incident-feedback';

export const incidentFeedbackRoutes =
  (feedback: IncidentFeedbackService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const config = { access: 'client' as const };

    app.get(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Reporter feedback: whether and how reporters are answered',
          params: ClientParams,
          response: { 200: FeedbackSchema },
        },
      },
      async (req) => feedback.get(req.params.clientId),
    );

    app.put(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Save the reporter feedback settings (a template equal to the default follows the default)',
          params: ClientParams,
          body: FeedbackInput,
          response: { 200: FeedbackSchema },
        },
      },
      async (req) => feedback.save(actorOf(req), req.params.clientId, req.body),
    );

    app.post(
      `${base}/preview`,
      {
        config,
        schema: {
          tags,
          summary: 'Render a verdict’s reply with sample values',
          params: ClientParams,
          body: PreviewInput,
          response: { 200: PreviewSchema },
        },
      },
      async (req) => feedback.preview(req.params.clientId, req.body.verdict, req.body.template),
    );
  };
