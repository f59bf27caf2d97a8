// API shapes of the reporter feedback settings (TypeBox: the one source of each shape's type).
import { type Static, Type } from '@sinclair/typebox';
import { Strict, Uuid } from '../../http/schemas.js';

export const VerdictSchema = Type.Union([
  Type.Literal('phishing'),
  Type.Literal('spam'),
  Type.Literal('clean'),
  Type.Literal('simulation'),
]);

export const TemplateSchema = Strict({
  subject: Type.String({ minLength: 1, maxLength: 500 }),
  body: Type.String({ minLength: 1, maxLength: 20_000, description: 'plain text, Liquid' }),
});

const perVerdict = <T extends ReturnType<typeof Type.Object>>(t: T) =>
  Strict({ phishing: t, spam: t, clean: t, simulation: t });

export const FeedbackInput = Strict({
  enabled: Type.Boolean(),
  profileId: Type.Union([Uuid, Type.Null()], { description: "one of the client's sending profiles" }),
  templates: Type.Optional(
    Type.Partial(perVerdict(TemplateSchema), {
      description: 'a verdict left out (or equal to the default) uses the built-in default',
    }),
  ),
});
export type FeedbackInput = Static<typeof FeedbackInput>;

export const FeedbackSchema = Type.Object({
  clientId: Type.String(),
  enabled: Type.Boolean(),
  profileId: Type.Union([Type.String(), Type.Null()]),
  /** the templates in effect: the client's own where changed, else the defaults */
  templates: perVerdict(TemplateSchema),
  /** the verdicts whose template the client changed */
  customized: Type.Array(VerdictSchema),
  defaults: perVerdict(TemplateSchema),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
export type FeedbackView = Static<typeof FeedbackSchema>;

export const PreviewInput = Strict({
  verdict: VerdictSchema,
  /** the template to render (default: the one in effect for the verdict) */
  template: Type.Optional(TemplateSchema),
});
export const PreviewSchema = Type.Object({ subject: Type.String(), text: Type.String() });
