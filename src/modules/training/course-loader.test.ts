// The built-in course loader: the shipped courses load in both languages, and a broken course
// file is refused with a message naming the file and the problem (so a bad edit or translation
// stops the start instead of reaching a learner).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CourseContentError, coursesDir, loadCourses } from './course-loader.js';

const MD = (title: string) => `---
title: ${title}
summary: A test course.
minutes: 3
---
# First page

Some **text** and a [link](https://example.com/help).

---

# Second page

- one
- two
`;

const QUIZ = {
  passMark: 50,
  questions: [
    {
      id: 'q1',
      text: 'Pick a',
      choices: [
        { id: 'a', text: 'A' },
        { id: 'b', text: 'B' },
      ],
      correct: ['a'],
    },
  ],
};

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A course folder with a valid course in both languages, then `change` breaks one file. */
function course(change: (dir: string) => void = () => {}): string {
  root = mkdtempSync(join(tmpdir(), 'courses-'));
  const dir = join(root, 'demo');
  mkdirSync(dir);
  writeFileSync(join(dir, 'course.en.md'), MD('Demo'));
  writeFileSync(join(dir, 'course.de.md'), MD('Demo (de)'));
  writeFileSync(join(dir, 'quiz.en.json'), JSON.stringify(QUIZ));
  writeFileSync(join(dir, 'quiz.de.json'), JSON.stringify(QUIZ));
  change(dir);
  return root;
}

const refused = (change: (dir: string) => void) => {
  try {
    loadCourses(course(change));
  } catch (e) {
    expect(e).toBeInstanceOf(CourseContentError);
    return (e as Error).message;
  }
  throw new Error('the broken course was loaded');
};

describe('built-in course loader', () => {
  it('loads every shipped course in English and German with pages and a quiz', () => {
    root = mkdtempSync(join(tmpdir(), 'unused-'));
    const { courses } = loadCourses(coursesDir());
    expect([...courses.keys()]).toEqual([
      'links-and-attachments',
      'passwords-passkeys-mfa',
      'recognising-phishing',
      'reporting-suspicious-mail',
    ]);
    for (const [slug, byLanguage] of courses) {
      for (const language of ['en', 'de'] as const) {
        const c = byLanguage.get(language);
        expect(c, `${slug} ${language}`).toBeDefined();
        expect(c?.pages.length).toBeGreaterThanOrEqual(3);
        expect(c?.quiz.questions.length).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('renders pages to sanitized HTML, the # line becoming the title', () => {
    const { courses } = loadCourses(course());
    const c = courses.get('demo')?.get('en');
    expect(c?.pages.map((p) => p.title)).toEqual(['First page', 'Second page']);
    expect(c?.pages[0]?.html).toContain('<strong>text</strong>');
    expect(c?.pages[0]?.html).toContain(
      '<a href="https://example.com/help" rel="noopener noreferrer" target="_blank">',
    );
    expect(c?.quiz.questions[0]?.multiple).toBe(false);
  });

  it('names the file and the problem for a missing quiz', () => {
    expect(refused((d) => rmSync(join(d, 'quiz.de.json')))).toMatch(/demo\/quiz\.de\.json: the file is missing/);
  });

  it('names the file for a quiz that is not JSON', () => {
    expect(refused((d) => writeFileSync(join(d, 'quiz.en.json'), '{ "passMark": 50, '))).toMatch(
      /demo\/quiz\.en\.json: is not valid JSON/,
    );
  });

  it('names the field of a quiz that breaks the schema', () => {
    const bad = { ...QUIZ, passMark: 150 };
    expect(refused((d) => writeFileSync(join(d, 'quiz.en.json'), JSON.stringify(bad)))).toMatch(
      /demo\/quiz\.en\.json: \/passMark/,
    );
  });

  it('refuses a correct answer that is not one of the choices', () => {
    const bad = { ...QUIZ, questions: [{ ...QUIZ.questions[0], correct: ['c'] }] };
    expect(refused((d) => writeFileSync(join(d, 'quiz.en.json'), JSON.stringify(bad)))).toMatch(
      /quiz\.en\.json: question "q1": correct answer "c" is not one of its choices/,
    );
  });

  it('refuses a translation whose answers differ from the English quiz', () => {
    const bad = { ...QUIZ, questions: [{ ...QUIZ.questions[0], correct: ['b'] }] };
    expect(refused((d) => writeFileSync(join(d, 'quiz.de.json'), JSON.stringify(bad)))).toMatch(
      /demo\/quiz\.de\.json: question 1 does not match the English quiz/,
    );
  });

  it('refuses raw HTML in a page, naming the page', () => {
    expect(
      refused((d) => writeFileSync(join(d, 'course.de.md'), `${MD('x')}\n<img src=x onerror="alert(1)">\n`)),
    ).toMatch(/demo\/course\.de\.md page 2: raw HTML is not allowed/);
  });

  it('refuses a missing image and a missing front matter field', () => {
    expect(refused((d) => writeFileSync(join(d, 'course.en.md'), `${MD('x')}\n![A chart](chart.svg)\n`))).toMatch(
      /demo\/course\.en\.md page 2: image "chart\.svg" is missing/,
    );
    expect(refused((d) => writeFileSync(join(d, 'course.en.md'), MD('x').replace('minutes: 3\n', '')))).toMatch(
      /demo\/course\.en\.md: front matter needs minutes/,
    );
  });

  it('refuses a javascript: link', () => {
    expect(
      refused((d) => writeFileSync(join(d, 'course.en.md'), `${MD('x')}\n[click](javascript:alert(1))\n`)),
    ).toMatch(/course\.en\.md page 2: link "javascript:alert\(1\)" must be https: or mailto:/);
  });
});
