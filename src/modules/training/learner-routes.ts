// /learn/:token/…: the learner portal's API. Public (the link's token is the only credential,
// carried in the path, never in a cookie), rate limited per source address and per link, with
// small bodies. Every answer is no-store (app.ts, for all of /api). Nothing here is reachable by a
// GET that changes anything: GETs read, the page's script POSTs.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LearnerService } from './learner.js';
import type { LearnerLimits } from './learner-limits.js';
import {
  CertificateView,
  LearnerView,
  ProgressInput,
  ProgressResult,
  QuizInput,
  QuizResultSchema,
  ScormInput,
  TokenParams,
} from './learner-view.js';

const tags = ['learner'];
const base = '/learn/:token';
/** Bodies are a page index, a few answers, or a SCORM package's resume data (≤ 64,000 characters). */
export const LEARNER_BODY_LIMIT = 8 * 1024;
export const SCORM_BODY_LIMIT = 80 * 1024;

export const learnerRoutes =
  (learner: LearnerService, limits: LearnerLimits): FastifyPluginAsyncTypebox =>
  async (app) => {
    const config = { access: 'public' as const };
    app.addHook('onRequest', async (req) => {
      limits.check(req, (req.params as { token?: string }).token ?? '');
    });

    app.get(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'The course behind a learner’s link (quiz without answers) and where they are',
          params: TokenParams,
          response: { 200: LearnerView },
        },
      },
      async (req) => learner.view(await learner.open(req.params.token)),
    );

    app.post(
      `${base}/start`,
      {
        config,
        bodyLimit: LEARNER_BODY_LIMIT,
        schema: { tags, summary: 'The learner’s browser ran the course page: record the start', params: TokenParams },
      },
      async (req, reply) => {
        await learner.start(await learner.open(req.params.token));
        return reply.status(204).send();
      },
    );

    app.put(
      `${base}/progress`,
      {
        config,
        bodyLimit: LEARNER_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Save the page the learner is on and the time spent since the last save',
          params: TokenParams,
          body: ProgressInput,
          response: { 200: ProgressResult },
        },
      },
      async (req) => learner.saveProgress(await learner.open(req.params.token), req.body.page, req.body.secondsSpent),
    );

    app.post(
      `${base}/quiz`,
      {
        config,
        bodyLimit: LEARNER_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Submit the quiz: graded here; a pass completes the training',
          params: TokenParams,
          body: QuizInput,
          response: { 200: QuizResultSchema },
        },
      },
      async (req) => learner.submitQuiz(await learner.open(req.params.token), req.body.answers, req.body.secondsSpent),
    );

    app.post(
      `${base}/scorm`,
      {
        config,
        bodyLimit: SCORM_BODY_LIMIT,
        schema: {
          tags,
          summary:
            'A SCORM package’s commit (completion, success, score, time, resume data), relayed by the learner page',
          params: TokenParams,
          body: ScormInput,
        },
      },
      async (req) => learner.scormCommit(await learner.open(req.params.token), req.body),
    );

    app.get(
      `${base}/certificate`,
      {
        config,
        schema: {
          tags,
          summary: 'The certificate of a passed training',
          params: TokenParams,
          response: { 200: CertificateView },
        },
      },
      async (req) => learner.certificate(await learner.open(req.params.token)),
    );
  };
