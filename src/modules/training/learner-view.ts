// The learner API's shapes. The response schemas also serialise: a field not named here (a quiz
// question's correct answers) never leaves the server, whatever the service returns.
import { Type } from '@sinclair/typebox';
import { Strict } from '../../http/schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const TokenParams = Strict({ token: Type.String({ maxLength: 200 }) });

const Question = Type.Object({
  id: Type.String(),
  text: Type.String(),
  multiple: Type.Boolean(),
  choices: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })),
});

export const LearnerView = Type.Object({
  language: Type.String(),
  client: Type.Object({ name: Type.String(), logoUrl: Nullable(Type.String()), colour: Nullable(Type.String()) }),
  learner: Type.Object({ name: Type.String() }),
  dueAt: Type.String(),
  content: Type.Union([
    Type.Object({
      kind: Type.Literal('builtin'),
      title: Type.String(),
      summary: Type.String(),
      minutes: Type.Number(),
      pages: Type.Array(Type.Object({ title: Type.String(), html: Type.String() })),
      quiz: Type.Object({ passMark: Type.Number(), attemptsAllowed: Type.Number(), questions: Type.Array(Question) }),
    }),
    Type.Object({
      kind: Type.Literal('scorm'),
      title: Type.String(),
      version: Type.String(),
      launchUrl: Type.String(),
      resume: Type.Union([Type.Object({ location: Type.String(), suspendData: Type.String() }), Type.Null()]),
    }),
  ]),
  progress: Type.Object({
    started: Type.Boolean(),
    page: Type.Number(),
    progress: Type.Number(),
    attemptsUsed: Type.Number(),
    completed: Type.Boolean(),
    completedAt: Nullable(Type.String()),
    score: Type.Union([Type.Number(), Type.Null()]),
    passed: Type.Union([Type.Boolean(), Type.Null()]),
    timeSpentSeconds: Type.Number(),
  }),
});

/** Time since the last save, in seconds: bounded so one request cannot claim hours. */
const SecondsSpent = Type.Integer({ minimum: 0, maximum: 900, default: 0 });

export const ProgressInput = Strict({ page: Type.Integer({ minimum: 0, maximum: 500 }), secondsSpent: SecondsSpent });
export const ProgressResult = Type.Object({ page: Type.Number(), progress: Type.Number() });

export const QuizInput = Strict({
  answers: Type.Record(Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 }), {
    maxProperties: 100,
  }),
  secondsSpent: SecondsSpent,
});
export const QuizResultSchema = Type.Object({
  score: Type.Number(),
  passed: Type.Boolean(),
  passMark: Type.Number(),
  correct: Type.Record(Type.String(), Type.Boolean()),
  attemptsUsed: Type.Number(),
  attemptsLeft: Type.Number(),
  completed: Type.Boolean(),
});

export const ScormInput = Strict({
  completion: Type.Union(['completed', 'incomplete', 'not attempted', 'unknown'].map((v) => Type.Literal(v))),
  success: Type.Union(['passed', 'failed', 'unknown'].map((v) => Type.Literal(v))),
  score: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
  secondsSpent: SecondsSpent,
  location: Type.String({ maxLength: 1000 }),
  // SCORM 2004's cmi.suspend_data holds at least 64,000 characters.
  suspendData: Type.String({ maxLength: 64_000 }),
});

export const CertificateView = Type.Object({
  learnerName: Type.String(),
  courseTitle: Type.String(),
  clientName: Type.String(),
  completedAt: Type.String(),
  score: Type.Union([Type.Number(), Type.Null()]),
  language: Type.String(),
});
