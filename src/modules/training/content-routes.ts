// The content library's API: built-in courses (read-only), a client's SCORM packages under
// /clients/:clientId/training/…, and the shared library under /training/packages (system
// administrators only; every client reads it through its own routes).
//
// Uploads are the zip itself as the request body (Content-Type: application/zip), streamed to disk
// and checked there (packages.ts): no multipart, so curl --data-binary @course.zip works and the
// console can report upload progress. The body limit is BAITWISE_TRAINING_PACKAGE_MAX_MB, counted
// while it streams, not Fastify's 1 MB JSON limit.
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Strict, Uuid } from '../../http/schemas.js';
import { AppError } from '../../lib/errors.js';
import type { ContentLibrary } from './content.js';
import { CourseSchema, LibraryItemSchema, PackageSchema } from './content-view.js';
import type { PackageService } from './packages.js';

const tags = ['training'];
const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];
const PackageParams = Strict({ clientId: Uuid, packageId: Uuid });
const SharedParams = Strict({ packageId: Uuid });
const CourseParams = Strict({ clientId: Uuid, slug: Type.String({ pattern: '^[a-z0-9-]{1,63}$' }) });
const ListQuery = Strict({ includeArchived: Type.Boolean({ default: false }) });
const Patch = Strict({ archived: Type.Boolean() });
const UPLOAD_SUMMARY =
  'Upload a SCORM 1.2 or 2004 package: the zip as the body, Content-Type: application/zip (checked: size, entries, zip bomb, paths, manifest, launch file)';

export interface ContentServices {
  library: ContentLibrary;
  packages: PackageService;
}

function zipBody(req: FastifyRequest): { body: Readable; length: number | undefined } {
  const body = req.body as Readable | undefined;
  if (!body || typeof (body as Readable).pipe !== 'function')
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the zip itself as the request body with Content-Type: application/zip.',
      {
        field: 'body',
      },
    );
  const length = Number(req.headers['content-length']);
  return { body, length: Number.isFinite(length) ? length : undefined };
}

export const contentRoutes =
  ({ library, packages }: ContentServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    // The zip is streamed to disk by the handler: the parser hands over the raw request stream.
    app.addContentTypeParser(ZIP_TYPES, (_req, payload, done) => done(null, payload));
    const client = { access: 'client' as const };
    const system = { access: 'system' as const };
    const base = '/clients/:clientId/training';

    app.get(
      `${base}/library`,
      {
        config: client,
        schema: {
          tags,
          summary:
            'What a campaign can teach: the built-in courses, then the client’s own and the shared SCORM packages',
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(LibraryItemSchema) }) },
        },
      },
      async (req) => ({ items: await library.list(req.params.clientId) }),
    );

    app.get(
      `${base}/courses/:slug`,
      {
        config: client,
        schema: {
          tags,
          summary: 'A built-in course with its pages and quiz (for the preview)',
          params: CourseParams,
          querystring: Strict({ language: Type.Union([Type.Literal('en'), Type.Literal('de')], { default: 'en' }) }),
          response: { 200: CourseSchema },
        },
      },
      async (req) => {
        const course = library.course(req.params.slug, req.query.language);
        if (!course) throw new AppError(404, 'not_found', 'Course not found.');
        return course;
      },
    );

    app.get(
      `${base}/packages`,
      {
        config: client,
        schema: {
          tags,
          summary: 'The client’s own SCORM packages and the shared ones',
          params: ClientParams,
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(PackageSchema) }) },
        },
      },
      async (req) => ({ items: await packages.list(req.params.clientId, req.query.includeArchived) }),
    );

    app.post(
      `${base}/packages`,
      {
        config: client,
        schema: { tags, summary: UPLOAD_SUMMARY, params: ClientParams, response: { 201: PackageSchema } },
      },
      async (req, reply) => {
        const { body, length } = zipBody(req);
        return reply.status(201).send(await packages.upload(actorOf(req), req.params.clientId, body, length));
      },
    );

    app.get(
      `${base}/packages/:packageId`,
      {
        config: client,
        schema: {
          tags,
          summary: 'A SCORM package (own or shared)',
          params: PackageParams,
          response: { 200: PackageSchema },
        },
      },
      async (req) => packages.get(req.params.clientId, req.params.packageId),
    );

    app.patch(
      `${base}/packages/:packageId`,
      {
        config: client,
        schema: {
          tags,
          summary: 'Archive or restore the client’s own package (an archived one is not offered to new campaigns)',
          params: PackageParams,
          body: Patch,
          response: { 200: PackageSchema },
        },
      },
      async (req) => packages.setArchived(actorOf(req), req.params.clientId, req.params.packageId, req.body.archived),
    );

    app.delete(
      `${base}/packages/:packageId`,
      {
        config: client,
        schema: { tags, summary: 'Delete the client’s own package that no campaign uses', params: PackageParams },
      },
      async (req, reply) => {
        await packages.delete(actorOf(req), req.params.clientId, req.params.packageId);
        return reply.status(204).send();
      },
    );

    // The shared library: published to every client, changed only by system administrators.
    app.get(
      '/training/packages',
      {
        config: system,
        schema: {
          tags,
          summary: 'The shared library’s SCORM packages',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(PackageSchema) }) },
        },
      },
      async (req) => ({ items: await packages.list(null, req.query.includeArchived) }),
    );

    app.post(
      '/training/packages',
      {
        config: system,
        schema: { tags, summary: `${UPLOAD_SUMMARY}, shared with every client`, response: { 201: PackageSchema } },
      },
      async (req, reply) => {
        const { body, length } = zipBody(req);
        return reply.status(201).send(await packages.upload(actorOf(req), null, body, length));
      },
    );

    app.get(
      '/training/packages/:packageId',
      {
        config: system,
        schema: { tags, summary: 'A shared SCORM package', params: SharedParams, response: { 200: PackageSchema } },
      },
      async (req) => packages.get(null, req.params.packageId),
    );

    app.patch(
      '/training/packages/:packageId',
      {
        config: system,
        schema: {
          tags,
          summary: 'Archive or restore a shared package',
          params: SharedParams,
          body: Patch,
          response: { 200: PackageSchema },
        },
      },
      async (req) => packages.setArchived(actorOf(req), null, req.params.packageId, req.body.archived),
    );

    app.delete(
      '/training/packages/:packageId',
      {
        config: system,
        schema: { tags, summary: 'Delete a shared package that no campaign uses', params: SharedParams },
      },
      async (req, reply) => {
        await packages.delete(actorOf(req), null, req.params.packageId);
        return reply.status(204).send();
      },
    );
  };
