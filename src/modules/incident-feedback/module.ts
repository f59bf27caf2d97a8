// The reporter-feedback module: its settings routes. Its side effect (replies on classification)
// is joined with the incidents module in the composition root (feedbackSideEffects).
import type { Module } from '../module.js';
import { incidentFeedbackRoutes } from './routes.js';
import type { IncidentFeedbackService } from './service.js';

export const incidentFeedbackModule = (feedback: IncidentFeedbackService): Module => ({
  name: 'incident-feedback',
  routes: incidentFeedbackRoutes(feedback),
});
