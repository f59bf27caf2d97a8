// The add-in's public API: /report-addin/addins/:addinId (what its pages need to sign the reporter
// in) and /report-addin/reports (a report). Access 'public': the add-in runs in the reporter's
// Outlook with no Baitwise session; a report is authenticated by the reporter's Microsoft token
// (Authorization: Bearer) or stored as unverified. The report route takes a body large enough for a
// 25 MB message in base64 and answers a larger one with 413 and a sentence saying so.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyError } from 'fastify';
import { errorHandler } from '../../http/error-handler.js';
import { Email, Strict, Uuid } from '../../http/schemas.js';
import { MessageTooLargeError, REPORT_BODY_LIMIT, type ReportIntake } from './intake.js';

const tags = ['report-addin'];

const ReportBody = Strict({
  addinId: Uuid,
  restId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 512, description: 'convertToRestId(item.itemId, v2.0)' }),
  ),
  eml: Type.Optional(
    Type.String({
      maxLength: REPORT_BODY_LIMIT,
      description: 'the message as base64 EML (getAsFileAsync), up to 25 MB',
    }),
  ),
  mailbox: Type.Optional(Email),
  option: Type.Optional(Type.String({ maxLength: 700, description: 'the option(s) ticked in the pre-report dialog' })),
  freeText: Type.Optional(Type.String({ maxLength: 2000 })),
});

const ReportAnswer = Type.Object({
  reportId: Type.String(),
  verified: Type.Boolean(),
  counted: Type.Boolean(),
  recognised: Type.Boolean(),
  title: Type.String(),
  message: Type.String(),
  moveItemTo: Type.Union([Type.Literal('deletedItemsFolder'), Type.Literal('junkFolder'), Type.Literal('noMove')]),
  forwarded: Type.Boolean(),
});

const bearerOf = (header: string | undefined): string | null => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
};

export const reportIntakeRoutes =
  (intake: ReportIntake): FastifyPluginAsyncTypebox =>
  async (app) => {
    const config = { access: 'public' as const };

    app.get(
      '/report-addin/addins/:addinId',
      {
        config,
        schema: {
          tags,
          summary: 'What the add-in’s pages need: the Azure application and tenant reporters sign in with',
          params: Strict({ addinId: Uuid }),
          response: {
            200: Type.Object({
              addinId: Type.String(),
              azureClientId: Type.Union([Type.String(), Type.Null()]),
              authority: Type.Union([Type.String(), Type.Null()]),
              moveItemTo: Type.String(),
              reportingOptions: Type.Array(Type.String()),
            }),
          },
        },
      },
      async (req) => intake.addinInfo(req.params.addinId),
    );

    app.post(
      '/report-addin/reports',
      {
        config,
        bodyLimit: REPORT_BODY_LIMIT,
        // A body over the limit never reaches the handler: say what the limit means for a reporter.
        errorHandler: (error: FastifyError, req, reply) =>
          errorHandler(error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? new MessageTooLargeError() : error, req, reply),
        schema: {
          tags,
          summary: 'Report a message (the add-in’s Report button); idempotent per reporter and message',
          body: ReportBody,
          response: { 200: ReportAnswer },
        },
      },
      async (req) => intake.report(req.body, bearerOf(req.headers.authorization)),
    );
  };
