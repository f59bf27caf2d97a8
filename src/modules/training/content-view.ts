// The content library's API shapes (content-routes.ts).
import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const ScormVersion = Type.Union([Type.Literal('1.2'), Type.Literal('2004')]);

export const PackageSchema = Type.Object({
  id: Type.String(),
  shared: Type.Boolean({ description: 'published to every client by a system administrator' }),
  title: Type.String(),
  description: Nullable(Type.String()),
  language: Nullable(Type.String()),
  scormVersion: ScormVersion,
  launchHref: Type.String(),
  fileCount: Type.Integer(),
  sizeBytes: Type.Integer({ description: 'unpacked' }),
  uploadedBy: Nullable(Type.String()),
  createdAt: Type.String(),
  archivedAt: Nullable(Type.String()),
});

export const LibraryItemSchema = Type.Object({
  ref: Type.String({ description: 'builtin:<slug> or package:<id>, what a campaign names' }),
  kind: Type.Union([Type.Literal('builtin'), Type.Literal('scorm')]),
  title: Type.String(),
  titles: Type.Record(Type.String(), Type.String()),
  summary: Nullable(Type.String()),
  languages: Type.Array(Type.String()),
  minutes: Type.Union([Type.Integer(), Type.Null()]),
  passMark: Type.Union([Type.Integer(), Type.Null()]),
  shared: Type.Boolean(),
  scormVersion: Type.Union([ScormVersion, Type.Null()]),
});

export const CourseSchema = Type.Object({
  slug: Type.String(),
  language: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  minutes: Type.Integer(),
  pages: Type.Array(Type.Object({ title: Type.String(), html: Type.String() })),
  quiz: Type.Object({
    passMark: Type.Integer(),
    questions: Type.Array(
      Type.Object({
        id: Type.String(),
        text: Type.String(),
        multiple: Type.Boolean(),
        choices: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })),
        correct: Type.Array(Type.String()),
        explanation: Type.Optional(Type.String()),
      }),
    ),
  }),
});
