// The content library: what a training campaign can teach. Built-in courses are files in the
// repository (course-loader.ts), loaded once when the library is built and the same for every
// client; SCORM packages are rows of training_packages (a client's own, or shared when client_id
// is NULL) with their files under <dataDir>/training/packages/<id>/ (packages.ts).
//
// A campaign names its content by reference, `builtin:<slug>` or `package:<id>`; `resolve` is the
// one place that turns a reference into content and checks that the client may use it.
import { join } from 'node:path';
import type { Db } from '../../db/connection.js';
import {
  type BuiltinCourse,
  COURSE_LANGUAGES,
  type CourseLanguage,
  coursesDir,
  type LoadedCourses,
  loadCourses,
} from './course-loader.js';

export type { BuiltinCourse, CoursePage, QuizQuestion } from './course-loader.js';
export { COURSE_ASSET_PREFIX, COURSE_LANGUAGES, CourseContentError } from './course-loader.js';

export interface ResolvedContent {
  ref: string;
  kind: 'builtin' | 'scorm';
  title: string;
  languages: string[];
  passMark: number | null;
  package?: { id: string; version: '1.2' | '2004'; launchHref: string; dir: string };
}

/** One entry of the library as the console and the campaign form list it. */
export interface LibraryItem {
  ref: string;
  kind: 'builtin' | 'scorm';
  /** the English title of a built-in course, the manifest's title of a package */
  title: string;
  /** a built-in course's title in each of its languages */
  titles: Record<string, string>;
  summary: string | null;
  languages: string[];
  minutes: number | null;
  passMark: number | null;
  /** built-in courses and packages published to every client by a system administrator */
  shared: boolean;
  scormVersion: '1.2' | '2004' | null;
}

/** <dataDir>/training/packages: one folder per package id, written only by PackageService. */
export const packagesRoot = (dataDir: string): string => join(dataDir, 'training', 'packages');

export class ContentLibrary {
  private readonly loaded: LoadedCourses;

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly coursesRoot: string = coursesDir(),
  ) {
    this.loaded = loadCourses(coursesRoot);
  }

  /** The course in `language`, or in English when it has no such translation. */
  course(slug: string, language: string): BuiltinCourse | undefined {
    const byLanguage = this.loaded.courses.get(slug);
    if (!byLanguage) return undefined;
    return byLanguage.get(language as CourseLanguage) ?? byLanguage.get('en');
  }

  /** Built-in course slugs, sorted. */
  slugs(): string[] {
    return [...this.loaded.courses.keys()];
  }

  /** Whether `file` is an image a page of course `slug` shows (only those are served). */
  hasAsset(slug: string, file: string): boolean {
    return this.loaded.assets.get(slug)?.has(file) ?? false;
  }

  assetPath(slug: string, file: string): string {
    return join(this.coursesRoot, slug, file);
  }

  packageDir(id: string): string {
    return join(packagesRoot(this.dataDir), id);
  }

  /**
   * The content behind `builtin:<slug>` or `package:<id>` for this client: a package must be the
   * client's own or shared, and not archived. Anything else (another client's, unknown, malformed)
   * is undefined, never an error that tells them apart. Pass `db` to read inside a transaction.
   */
  async resolve(clientId: string, ref: string, db: Db = this.db): Promise<ResolvedContent | undefined> {
    const [kind, id] = splitRef(ref);
    if (kind === 'builtin') {
      const en = this.course(id, 'en');
      if (!en) return undefined;
      return { ref, kind: 'builtin', title: en.title, languages: [...COURSE_LANGUAGES], passMark: en.quiz.passMark };
    }
    if (kind !== 'package' || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const row = await db
      .selectFrom('training_packages')
      .select(['id', 'title', 'language', 'scorm_version', 'launch_href'])
      .where('id', '=', id)
      .where((eb) => eb.or([eb('client_id', '=', clientId), eb('client_id', 'is', null)]))
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      ref,
      kind: 'scorm',
      title: row.title,
      languages: row.language ? [row.language] : [],
      passMark: null,
      package: { id: row.id, version: row.scorm_version, launchHref: row.launch_href, dir: this.packageDir(row.id) },
    };
  }

  /** What a campaign of this client can use: every built-in course, then its own and shared packages. */
  async list(clientId: string): Promise<LibraryItem[]> {
    const builtin: LibraryItem[] = this.slugs().map((slug) => {
      const en = this.course(slug, 'en') as BuiltinCourse;
      const titles: Record<string, string> = {};
      for (const language of COURSE_LANGUAGES) titles[language] = (this.course(slug, language) as BuiltinCourse).title;
      return {
        ref: `builtin:${slug}`,
        kind: 'builtin',
        title: en.title,
        titles,
        summary: en.summary,
        languages: [...COURSE_LANGUAGES],
        minutes: en.minutes,
        passMark: en.quiz.passMark,
        shared: true,
        scormVersion: null,
      };
    });
    const rows = await this.db
      .selectFrom('training_packages')
      .select(['id', 'client_id', 'title', 'description', 'language', 'scorm_version'])
      .where((eb) => eb.or([eb('client_id', '=', clientId), eb('client_id', 'is', null)]))
      .where('archived_at', 'is', null)
      .orderBy('title')
      .orderBy('id')
      .execute();
    const packages: LibraryItem[] = rows.map((r) => ({
      ref: `package:${r.id}`,
      kind: 'scorm',
      title: r.title,
      titles: {},
      summary: r.description,
      languages: r.language ? [r.language] : [],
      minutes: null,
      passMark: null,
      shared: r.client_id === null,
      scormVersion: r.scorm_version,
    }));
    return [...builtin, ...packages];
  }
}

function splitRef(ref: string): [string, string] {
  const i = ref.indexOf(':');
  return i < 0 ? ['', ''] : [ref.slice(0, i), ref.slice(i + 1)];
}
