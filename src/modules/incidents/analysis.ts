// The parsed summary of a reported message (reported_messages.analysis, JSON), made once when the
// report arrives (analyse.ts) and kept after retention deletes the raw message. Its TypeBox shape is
// the one source of its type: the API's message view (view.ts) is built from it.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const AddressSchema = Type.Object({ address: Nullable(Type.String()), name: Nullable(Type.String()) });
export type Address = Static<typeof AddressSchema>;

export const AuthVerdict = Nullable(
  Type.Union([
    Type.Literal('pass'),
    Type.Literal('fail'),
    Type.Literal('softfail'),
    Type.Literal('neutral'),
    Type.Literal('none'),
    Type.Literal('temperror'),
    Type.Literal('permerror'),
  ]),
);
export type AuthVerdict = Static<typeof AuthVerdict>;

export const ReceivedHop = Type.Object({
  from: Nullable(Type.String()),
  by: Nullable(Type.String()),
  with: Nullable(Type.String()),
  date: Nullable(Type.String()),
});

export const UrlSchema = Type.Object({
  text: Type.String({ description: 'what the reader saw (the link text; the URL itself in plain text)' }),
  href: Type.String({ description: 'the real target' }),
  defanged: Type.String({ description: 'the target made unclickable: hxxps://evil[.]example/…' }),
  domain: Nullable(Type.String()),
});
export type UrlEntry = Static<typeof UrlSchema>;

export const AttachmentSchema = Type.Object({
  filename: Nullable(Type.String()),
  contentType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
});

export const MessageAnalysis = Type.Object({
  version: Type.Literal(1),
  headers: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
  from: Nullable(AddressSchema),
  to: Type.Array(AddressSchema),
  cc: Type.Array(AddressSchema),
  replyTo: Nullable(AddressSchema),
  subject: Nullable(Type.String()),
  date: Nullable(Type.String()),
  messageId: Nullable(Type.String()),
  receivedChain: Type.Array(ReceivedHop),
  authentication: Type.Object({
    spf: AuthVerdict,
    dkim: AuthVerdict,
    dmarc: AuthVerdict,
    raw: Nullable(Type.String()),
  }),
  urls: Type.Array(UrlSchema),
  attachments: Type.Array(AttachmentSchema),
  parseErrors: Type.Array(Type.String()),
  /** sha256(lower-cased sender | normalised subject | sorted URL set): groups a wave (incident.ts) */
  contentKey: Type.String(),
});
export type MessageAnalysis = Static<typeof MessageAnalysis>;
