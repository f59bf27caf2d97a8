// What a capability contributes to a Baitwise process. The composition root (src/composition.ts)
// builds the services once and asks each module for its parts; the HTTP layer registers the
// routes and the job layer the jobs and schedules, without knowing any module.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { JobDefinition, Schedule } from '../jobs/definition.js';

export interface Module {
  readonly name: string;
  /** its /api/v1 routes (registered under the prefix); each declares config.access */
  readonly routes?: FastifyPluginAsyncTypebox;
  /**
   * routes outside /api/v1, registered at the root, for what others load from Baitwise (the
   * Outlook add-in's files): no `config.access`, no session; the plugin sets its own headers
   */
  readonly pages?: FastifyPluginAsync;
  readonly jobs?: readonly JobDefinition<TSchema>[];
  readonly schedules?: readonly Schedule[];
}
