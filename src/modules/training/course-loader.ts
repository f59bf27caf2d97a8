// Reads the built-in courses from content/courses/<slug>/ (see content/courses/README.md for the
// format) into memory, once, at start-up. Every problem throws a CourseContentError naming the
// file and what is wrong, so a broken course stops the process and fails the tests instead of
// showing a learner half a course.
//
// Markdown is ours (reviewed in the repository), but the HTML it becomes is still sanitized with a
// strict allowlist: a translator's stray <script> or an `onerror=` must never reach a learner's
// page. Raw HTML in the Markdown is refused outright rather than silently stripped, so the author
// learns about it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

export const COURSE_LANGUAGES = ['en', 'de'] as const;
export type CourseLanguage = (typeof COURSE_LANGUAGES)[number];

/** Where a page's images are served from (pages.ts): `<prefix>/<slug>/<file>`. */
export const COURSE_ASSET_PREFIX = '/training-assets/courses';

export interface CoursePage {
  title: string;
  html: string;
}
export interface QuizQuestion {
  id: string;
  text: string;
  multiple: boolean;
  choices: { id: string; text: string }[];
  correct: string[];
  /** shown after the learner answered: why the right answer is right */
  explanation?: string;
}
export interface BuiltinCourse {
  slug: string;
  language: CourseLanguage;
  title: string;
  summary: string;
  minutes: number;
  pages: CoursePage[];
  quiz: { passMark: number; questions: QuizQuestion[] };
}

export class CourseContentError extends Error {
  constructor(file: string, problem: string) {
    super(`Built-in course ${file}: ${problem}`);
    this.name = 'CourseContentError';
  }
}

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' });
const Text = Type.String({ minLength: 1, maxLength: 1000 });
export const QuizFile = Type.Object(
  {
    passMark: Type.Integer({ minimum: 1, maximum: 100 }),
    questions: Type.Array(
      Type.Object(
        {
          id: Id,
          text: Text,
          multiple: Type.Optional(Type.Boolean()),
          choices: Type.Array(Type.Object({ id: Id, text: Text }, { additionalProperties: false }), {
            minItems: 2,
            maxItems: 8,
          }),
          correct: Type.Array(Id, { minItems: 1 }),
          explanation: Type.Optional(Text),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 30 },
    ),
  },
  { additionalProperties: false },
);
type QuizFile = Static<typeof QuizFile>;

/** content/courses at the repository root: from src/modules/training/ or dist/src/modules/training/. */
export function coursesDir(): string {
  for (const up of ['../../../content/courses', '../../../../content/courses']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('The built-in courses (content/courses/ in the Baitwise folder) are missing.');
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ASSET = /^[a-z0-9][a-z0-9-]*(\.[a-z]{2})?\.svg$/;

export interface LoadedCourses {
  /** slug → language → course */
  courses: Map<string, Map<CourseLanguage, BuiltinCourse>>;
  /** slug → the image files its pages use (served by pages.ts, nothing else in the folder is) */
  assets: Map<string, Set<string>>;
}

export function loadCourses(root: string): LoadedCourses {
  const courses: LoadedCourses['courses'] = new Map();
  const assets: LoadedCourses['assets'] = new Map();
  const slugs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const slug of slugs) {
    if (!SLUG.test(slug))
      throw new CourseContentError(slug, 'a course folder is named in lowercase letters, digits and -');
    const used = new Set<string>();
    const byLanguage = new Map<CourseLanguage, BuiltinCourse>();
    for (const language of COURSE_LANGUAGES) {
      byLanguage.set(language, loadCourse(root, slug, language, used));
    }
    checkTranslation(slug, byLanguage);
    courses.set(slug, byLanguage);
    assets.set(slug, used);
  }
  if (courses.size === 0) throw new CourseContentError(root, 'no course folders');
  return { courses, assets };
}

function read(root: string, slug: string, file: string): string {
  const path = join(root, slug, file);
  if (!existsSync(path)) throw new CourseContentError(`${slug}/${file}`, 'the file is missing');
  return readFileSync(path, 'utf8');
}

function loadCourse(root: string, slug: string, language: CourseLanguage, assets: Set<string>): BuiltinCourse {
  const mdName = `${slug}/course.${language}.md`;
  const { meta, body } = frontMatter(mdName, read(root, slug, `course.${language}.md`));
  const pages = body
    .split(/^---[ \t]*$/m)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p, i) => renderPage(`${mdName} page ${i + 1}`, p, slug, root, assets));
  if (pages.length === 0) throw new CourseContentError(mdName, 'the course has no pages');
  const quizName = `${slug}/quiz.${language}.json`;
  return {
    slug,
    language,
    title: meta.title,
    summary: meta.summary,
    minutes: meta.minutes,
    pages,
    quiz: parseQuiz(quizName, read(root, slug, `quiz.${language}.json`)),
  };
}

function frontMatter(
  file: string,
  text: string,
): { meta: { title: string; summary: string; minutes: number }; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*\r?\n([\s\S]*)$/.exec(text);
  if (!m) throw new CourseContentError(file, 'must start with a front matter block between two --- lines');
  const fields = new Map<string, string>();
  for (const line of (m[1] as string).split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const kv = /^([a-z]+):\s*(.+?)\s*$/.exec(line);
    if (!kv) throw new CourseContentError(file, `front matter line "${line}" is not "key: value"`);
    fields.set(kv[1] as string, kv[2] as string);
  }
  for (const key of fields.keys()) {
    if (!['title', 'summary', 'minutes'].includes(key))
      throw new CourseContentError(file, `unknown front matter field "${key}" (title, summary, minutes)`);
  }
  const title = fields.get('title');
  const summary = fields.get('summary');
  const minutes = Number(fields.get('minutes'));
  if (!title) throw new CourseContentError(file, 'front matter needs a title');
  if (!summary) throw new CourseContentError(file, 'front matter needs a summary');
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120)
    throw new CourseContentError(file, 'front matter needs minutes, a whole number from 1 to 120');
  return { meta: { title, summary, minutes }, body: m[2] as string };
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'p',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'code',
    'pre',
    'blockquote',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'br',
    'hr',
  ],
  allowedAttributes: { a: ['href', 'rel', 'target'], img: ['src', 'alt'], th: ['align'], td: ['align'] },
  allowedSchemes: ['https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }),
  },
};

function renderPage(where: string, markdown: string, slug: string, root: string, assets: Set<string>): CoursePage {
  const lines = markdown.split(/\r?\n/);
  const heading = /^#\s+(.+)$/.exec(lines[0] ?? '');
  if (!heading) throw new CourseContentError(where, 'a page starts with its title as a "# " heading');
  const marked = new Marked({ async: false, gfm: true });
  marked.use({
    walkTokens(token) {
      if (token.type === 'html')
        throw new CourseContentError(where, `raw HTML is not allowed: ${token.raw.trim().slice(0, 60)}`);
      if (token.type === 'heading' && (token as Tokens.Heading).depth === 1)
        throw new CourseContentError(where, 'only the page title is a "# " heading; use "##" inside a page');
      if (token.type === 'image') {
        const img = token as Tokens.Image;
        if (!ASSET.test(img.href))
          throw new CourseContentError(where, `image "${img.href}" must be an .svg file in the course folder`);
        const file = join(root, slug, img.href);
        if (!existsSync(file) || !statSync(file).isFile())
          throw new CourseContentError(where, `image "${img.href}" is missing`);
        if (!img.text.trim()) throw new CourseContentError(where, `image "${img.href}" needs a description (alt text)`);
        assets.add(img.href);
        img.href = `${COURSE_ASSET_PREFIX}/${slug}/${img.href}`;
      }
      if (token.type === 'link' && !/^(https:|mailto:)/.test((token as Tokens.Link).href))
        throw new CourseContentError(where, `link "${(token as Tokens.Link).href}" must be https: or mailto:`);
    },
  });
  const html = marked.parse(lines.slice(1).join('\n')) as string;
  return { title: (heading[1] as string).trim(), html: sanitizeHtml(html, SANITIZE).trim() };
}

function parseQuiz(file: string, text: string): BuiltinCourse['quiz'] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CourseContentError(file, `is not valid JSON (${(e as Error).message})`);
  }
  if (!Value.Check(QuizFile, raw)) {
    const first = Value.Errors(QuizFile, raw).First();
    throw new CourseContentError(file, `${first?.path || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const quiz = raw as QuizFile;
  const questionIds = new Set<string>();
  for (const q of quiz.questions) {
    const at = `question "${q.id}"`;
    if (questionIds.has(q.id)) throw new CourseContentError(file, `${at} appears twice`);
    questionIds.add(q.id);
    const choiceIds = new Set(q.choices.map((c) => c.id));
    if (choiceIds.size !== q.choices.length) throw new CourseContentError(file, `${at} has two choices with one id`);
    const unknown = q.correct.find((c) => !choiceIds.has(c));
    if (unknown) throw new CourseContentError(file, `${at}: correct answer "${unknown}" is not one of its choices`);
    if (new Set(q.correct).size !== q.correct.length)
      throw new CourseContentError(file, `${at} names a correct answer twice`);
    if (!q.multiple && q.correct.length !== 1)
      throw new CourseContentError(
        file,
        `${at} has one answer (multiple is not true) but ${q.correct.length} correct ones`,
      );
  }
  return {
    passMark: quiz.passMark,
    questions: quiz.questions.map((q) => ({ ...q, multiple: q.multiple ?? false })),
  };
}

/** A translation asks the same questions with the same right answers and pass mark. */
function checkTranslation(slug: string, byLanguage: Map<CourseLanguage, BuiltinCourse>): void {
  const en = byLanguage.get('en') as BuiltinCourse;
  for (const [language, course] of byLanguage) {
    if (language === 'en') continue;
    const file = `${slug}/quiz.${language}.json`;
    if (course.quiz.passMark !== en.quiz.passMark)
      throw new CourseContentError(
        file,
        `pass mark ${course.quiz.passMark} differs from the English ${en.quiz.passMark}`,
      );
    const key = (c: BuiltinCourse) =>
      c.quiz.questions.map(
        (q) => `${q.id}:${q.multiple}:${q.choices.map((x) => x.id).join(',')}:${[...q.correct].sort().join(',')}`,
      );
    const mine = key(course);
    const theirs = key(en);
    const i = theirs.findIndex((k, n) => mine[n] !== k);
    if (i >= 0 || mine.length !== theirs.length)
      throw new CourseContentError(
        file,
        `question ${i >= 0 ? i + 1 : theirs.length + 1} does not match the English quiz (same ids, choices and correct answers in the same order)`,
      );
  }
}
