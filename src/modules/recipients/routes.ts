// /clients/:clientId/recipients: the people training is sent to, per client. Every route is
// access 'client' (another client's id answers 404 before the handler runs), and every query
// carries the client id too.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Email, Strict, Uuid } from '../../http/schemas.js';
import { CSV_MAX_BYTES, sampleCsv } from './csv-import.js';
import { FIELD_MAX } from './fields.js';
import { recipientGroupRoutes } from './groups-routes.js';
import type { RecipientGroupService } from './groups-service.js';
import type { RecipientService } from './service.js';
import { RecipientSchema, Source } from './view.js';

const Params = Strict({ clientId: Uuid, recipientId: Uuid });
const Field = Type.Union([Type.String({ maxLength: FIELD_MAX }), Type.Null()]);
const GroupIds = Type.Array(Uuid, { maxItems: 100, uniqueItems: true });
const Filter = Type.String({ minLength: 1, maxLength: FIELD_MAX });

const editable = {
  firstName: Type.Optional(Field),
  lastName: Type.Optional(Field),
  displayName: Type.Optional(Field),
  department: Type.Optional(Field),
  jobTitle: Type.Optional(Field),
  officeLocation: Type.Optional(Field),
  // Checked against Intl in the service (400 naming timeZone); null: not known.
  timeZone: Type.Optional(
    Type.Union([Type.String({ maxLength: 64, description: 'IANA, e.g. Europe/Berlin' }), Type.Null()]),
  ),
  enabled: Type.Optional(Type.Boolean()),
  groupIds: Type.Optional(GroupIds),
};

const RowError = Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() });

export const recipientRoutes =
  (recipients: RecipientService, groups: RecipientGroupService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['recipients'];

    app.get(
      '/clients/:clientId/recipients',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Recipients, by display name, a page at a time (pass nextCursor back as cursor)',
          params: ClientParams,
          querystring: Strict({
            search: Type.Optional(Type.String({ maxLength: FIELD_MAX })),
            department: Type.Optional(Filter),
            jobTitle: Type.Optional(Filter),
            groupId: Type.Optional(Uuid),
            enabled: Type.Optional(Type.Boolean()),
            source: Type.Optional(Source),
            userType: Type.Optional(Filter),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[A-Za-z0-9_-]+$' })),
            total: Type.Optional(
              Type.Boolean({
                description:
                  'true: also count every recipient the filters match (costs a pass over them; ask on the first page only)',
              }),
            ),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(RecipientSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
              total: Type.Optional(Type.Integer({ description: 'only when asked with total=true' })),
            }),
          },
        },
      },
      async (req) => {
        const { limit, cursor, search, total, ...filters } = req.query;
        const term = search?.trim();
        return recipients.list(req.params.clientId, { ...filters, search: term || undefined }, limit, cursor, total);
      },
    );

    app.get(
      '/clients/:clientId/recipients/facets',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Distinct departments and job titles, for filters',
          params: ClientParams,
          response: {
            200: Type.Object({ departments: Type.Array(Type.String()), jobTitles: Type.Array(Type.String()) }),
          },
        },
      },
      async (req) => recipients.facets(req.params.clientId),
    );

    app.post(
      '/clients/:clientId/recipients',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Add a recipient by hand',
          params: ClientParams,
          body: Strict({ email: Email, ...editable }),
          response: { 201: RecipientSchema },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await recipients.create(actorOf(req), req.params.clientId, req.body)),
    );

    app.post(
      '/clients/:clientId/recipients/import',
      {
        config: { access: 'client' },
        // JSON escaping can make a 5 MB file a larger body; the file's own size is checked after parsing.
        bodyLimit: CSV_MAX_BYTES * 2 + 4096,
        schema: {
          tags,
          summary: 'Import recipients from CSV (header row with an email column); rows with errors are skipped',
          params: ClientParams,
          body: Strict({
            csv: Type.String({ minLength: 1, maxLength: CSV_MAX_BYTES }),
            groupId: Type.Optional(Uuid),
            dryRun: Type.Optional(Type.Boolean()),
          }),
          response: {
            200: Type.Object({
              created: Type.Integer(),
              updated: Type.Integer(),
              unchanged: Type.Integer(),
              skipped: Type.Integer(),
              errors: Type.Array(RowError),
              ignoredColumns: Type.Array(Type.String()),
              dryRun: Type.Boolean(),
            }),
          },
        },
      },
      async (req) => recipients.importCsv(actorOf(req), req.params.clientId, req.body),
    );

    app.get(
      '/clients/:clientId/recipients/import/sample',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'A sample CSV file for the import: every column it reads, and rows to copy',
          params: ClientParams,
          produces: ['text/csv'],
        },
      },
      async (_req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="recipients-sample.csv"')
          .send(sampleCsv()),
    );

    app.get(
      '/clients/:clientId/recipients/:recipientId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Get a recipient', params: Params, response: { 200: RecipientSchema } },
      },
      async (req) => recipients.get(req.params.clientId, req.params.recipientId),
    );

    app.patch(
      '/clients/:clientId/recipients/:recipientId',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Edit a recipient (groupIds, when given, replaces its groups)',
          params: Params,
          body: Strict({ email: Type.Optional(Email), ...editable }),
          response: { 200: RecipientSchema },
        },
      },
      async (req) => recipients.update(actorOf(req), req.params.clientId, req.params.recipientId, req.body),
    );

    app.delete(
      '/clients/:clientId/recipients/:recipientId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Delete a recipient', params: Params },
      },
      async (req, reply) => {
        await recipients.delete(actorOf(req), req.params.clientId, req.params.recipientId);
        return reply.status(204).send();
      },
    );

    await app.register(recipientGroupRoutes(groups));
  };
