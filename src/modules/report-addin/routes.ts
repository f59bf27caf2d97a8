// /clients/:clientId/report-addin: the Outlook report add-in's settings and its manifest. Every
// route is access 'client' (an archived client's settings stay readable, and the manifest
// downloadable, but cannot change).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Strict } from '../../http/schemas.js';
import { VARIANTS } from './manifest.js';
import type { ReportAddinService } from './service.js';
import { SettingsInput, SettingsSchema } from './view.js';

const tags = ['report-addin'];
const base = '/clients/:clientId/report-addin';

export const reportAddinRoutes =
  (addin: ReportAddinService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const config = { access: 'client' as const };

    app.get(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'The report add-in’s settings (defaults until first saved) and the redirect URI to register',
          params: ClientParams,
          response: { 200: SettingsSchema },
        },
      },
      async (req) => addin.get(req.params.clientId),
    );

    app.put(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Save the report add-in’s settings (the first save creates the add-in id)',
          params: ClientParams,
          body: SettingsInput,
          response: { 200: SettingsSchema },
        },
      },
      async (req) => addin.save(actorOf(req), req.params.clientId, req.body),
    );

    app.get(
      `${base}/manifest`,
      {
        config,
        schema: {
          tags,
          summary: 'Download the add-in’s XML manifest (classic: a ribbon button; integrated: Outlook’s Report button)',
          params: ClientParams,
          querystring: Strict({
            variant: Type.Union(
              VARIANTS.map((v) => Type.Literal(v)),
              { default: 'classic' },
            ),
          }),
          produces: ['application/xml'],
        },
      },
      async (req, reply) => {
        const file = await addin.manifest(req.params.clientId, req.query.variant);
        return reply
          .type('application/xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .send(file.xml);
      },
    );
  };
