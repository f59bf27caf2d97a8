// The built-in courses' images, at /training-assets/courses/<slug>/<file>: public (the learner
// portal has no session), and only the files a course page names (the loader lists them), never
// anything else in content/. SVG can carry script, so each answer forbids it outright: even
// opened on its own, the image runs nothing and loads nothing.
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { COURSE_ASSET_PREFIX, type ContentLibrary } from './content.js';

export const COURSE_ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export const courseAssetPages =
  (library: ContentLibrary): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { slug: string; file: string } }>(
      `${COURSE_ASSET_PREFIX}/:slug/:file`,
      { schema: { hide: true } },
      async (req, reply) => {
        const { slug, file } = req.params;
        if (!library.hasAsset(slug, file))
          return reply.status(404).send({ error: { code: 'not_found', message: 'Not found.' } });
        return reply
          .header('content-type', 'image/svg+xml')
          .header('content-security-policy', COURSE_ASSET_CSP)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'public, max-age=3600')
          .send(await readFile(library.assetPath(slug, file)));
      },
    );
  };
