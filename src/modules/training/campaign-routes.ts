// /clients/:clientId/training/campaigns: campaigns (drafts, launch, cancel), their learners
// (results, resend, extend, mark complete, revoke), aggregates and exports. Every route is access 'client'.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Strict, Uuid } from '../../http/schemas.js';
import type { TrainingServices } from './module.js';
import {
  CampaignInput,
  CampaignListItem,
  CampaignPatch,
  CampaignSchema,
  CompleteInput,
  EnrolmentQuery,
  EnrolmentSchema,
  ExtendInput,
  Language,
  ResultsSchema,
  TemplatesSchema,
} from './view.js';

const tags = ['training'];
const base = '/clients/:clientId/training/campaigns';
const Params = Strict({ clientId: Uuid, campaignId: Uuid });
const EnrolmentParams = Strict({ clientId: Uuid, campaignId: Uuid, enrolmentId: Uuid });

export const campaignRoutes =
  (training: TrainingServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    const cfg = { access: 'client' as const };
    const { campaigns, results } = training;

    app.get(
      '/clients/:clientId/training/templates',
      {
        config: cfg,
        schema: {
          tags,
          summary:
            'The default invitation and reminder of a language (variables: recipient.name, course.title, dueDate, link)',
          params: ClientParams,
          querystring: Strict({ language: Type.Optional(Language) }),
          response: { 200: TemplatesSchema },
        },
      },
      async (req) => campaigns.templates(req.query.language ?? 'en'),
    );

    app.get(
      base,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Training campaigns with their completion rate',
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(CampaignListItem) }) },
        },
      },
      async (req) => ({ items: await campaigns.list(req.params.clientId) }),
    );

    app.post(
      base,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Create a draft campaign',
          params: ClientParams,
          body: CampaignInput,
          response: { 201: CampaignSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await campaigns.create(actorOf(req), req.params.clientId, req.body)),
    );

    app.get(
      `${base}/:campaignId`,
      { config: cfg, schema: { tags, summary: 'A campaign', params: Params, response: { 200: CampaignSchema } } },
      async (req) => campaigns.get(req.params.clientId, req.params.campaignId),
    );

    app.patch(
      `${base}/:campaignId`,
      {
        config: cfg,
        schema: {
          tags,
          summary:
            'Edit a draft; a scheduled or running campaign changes only its due date, reminders and link validity',
          params: Params,
          body: CampaignPatch,
          response: { 200: CampaignSchema },
        },
      },
      async (req) => campaigns.update(actorOf(req), req.params.clientId, req.params.campaignId, req.body),
    );

    app.delete(
      `${base}/:campaignId`,
      { config: cfg, schema: { tags, summary: 'Delete a draft', params: Params } },
      async (req, reply) => {
        await campaigns.delete(actorOf(req), req.params.clientId, req.params.campaignId);
        return reply.status(204).send();
      },
    );

    app.post(
      `${base}/:campaignId/launch`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Launch now, or at the campaign’s start time: enrol the audience and queue the invitations',
          params: Params,
          response: { 200: CampaignSchema },
        },
      },
      async (req) => campaigns.launch(actorOf(req), req.params.clientId, req.params.campaignId),
    );

    app.post(
      `${base}/:campaignId/cancel`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Cancel: every unsent invitation and reminder is cancelled and every link revoked',
          params: Params,
          response: { 200: CampaignSchema },
        },
      },
      async (req) => campaigns.cancel(actorOf(req), req.params.clientId, req.params.campaignId),
    );

    app.get(
      `${base}/:campaignId/results`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Funnel, completion over time, by department and group, overdue',
          params: Params,
          response: { 200: ResultsSchema },
        },
      },
      async (req) => results.results(req.params.clientId, req.params.campaignId),
    );

    app.get(
      `${base}/:campaignId/enrolments`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'The learners, filtered, in pages (cursor: the last id of the previous page)',
          params: Params,
          querystring: EnrolmentQuery,
          response: {
            200: Type.Object({
              items: Type.Array(EnrolmentSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (req) => results.enrolments(req.params.clientId, req.params.campaignId, req.query),
    );

    app.get(
      `${base}/:campaignId/export`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Every learner’s results as CSV or XLSX (cells that a spreadsheet would run are written as text)',
          params: Params,
          querystring: Strict({ format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }) }),
        },
      },
      async (req, reply) => {
        const file = await results.export(req.params.clientId, req.params.campaignId, req.query.format);
        return reply
          .header('content-type', file.type)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store')
          .send(file.body);
      },
    );

    const learner = `${base}/:campaignId/enrolments/:enrolmentId`;
    app.post(
      `${learner}/resend`,
      { config: cfg, schema: { tags, summary: 'Send the learner a new invitation now', params: EnrolmentParams } },
      async (req, reply) => {
        await campaigns.resend(actorOf(req), req.params.clientId, req.params.campaignId, req.params.enrolmentId);
        return reply.status(204).send();
      },
    );

    app.post(
      `${learner}/extend`,
      {
        config: cfg,
        schema: { tags, summary: 'Give the learner a later due date', params: EnrolmentParams, body: ExtendInput },
      },
      async (req, reply) => {
        const { clientId, campaignId, enrolmentId } = req.params;
        await campaigns.extend(actorOf(req), clientId, campaignId, enrolmentId, req.body.dueAt);
        return reply.status(204).send();
      },
    );

    app.post(
      `${learner}/complete`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Mark the learner complete by hand (the reason goes to the audit log)',
          params: EnrolmentParams,
          body: CompleteInput,
        },
      },
      async (req, reply) => {
        const { clientId, campaignId, enrolmentId } = req.params;
        await campaigns.complete(actorOf(req), clientId, campaignId, enrolmentId, req.body.reason);
        return reply.status(204).send();
      },
    );

    app.post(
      `${learner}/revoke`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Revoke the learner’s link (unsent mail to them is cancelled)',
          params: EnrolmentParams,
        },
      },
      async (req, reply) => {
        await campaigns.revoke(actorOf(req), req.params.clientId, req.params.campaignId, req.params.enrolmentId);
        return reply.status(204).send();
      },
    );
  };
