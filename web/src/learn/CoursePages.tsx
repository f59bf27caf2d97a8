import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { LearnerView } from './api';
import { FocusTitle } from './FocusTitle';
import type { Strings } from './i18n';

type Builtin = Extract<LearnerView['content'], { kind: 'builtin' }>;
type Step = { kind: 'page'; index: number } | { kind: 'quiz' } | { kind: 'welcome' };

export function CoursePages({
  view,
  content,
  index,
  t,
  goTo,
}: {
  view: LearnerView;
  content: Builtin;
  index: number;
  t: Strings;
  goTo: (s: Step) => void;
}) {
  const page = content.pages[index];
  const total = content.pages.length;
  if (!page) return null;
  const last = index === total - 1;
  return (
    <Stack gap="md">
      <Text fw={600} size="sm" c="gray.8">
        {content.title} · {t.pageOf(index + 1, total)}
      </Text>
      <Progress value={view.progress.progress} aria-label={t.progress} size="sm" />
      <article>
        <FocusTitle order={1} focusKey={`page-${index}`}>
          {page.title}
        </FocusTitle>
        {/* The server renders course Markdown to sanitized HTML (content.ts); the CSP forbids inline script anyway. */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized server-side, see above */}
        <div className="course-html" dangerouslySetInnerHTML={{ __html: page.html }} />
      </article>
      <Group justify="space-between" component="nav" aria-label={t.pageOf(index + 1, total)}>
        <Button
          variant="outline"
          onClick={() => goTo(index === 0 ? { kind: 'welcome' } : { kind: 'page', index: index - 1 })}
        >
          {t.previous}
        </Button>
        <Button onClick={() => goTo(last ? { kind: 'quiz' } : { kind: 'page', index: index + 1 })}>
          {last ? t.toQuiz : t.next}
        </Button>
      </Group>
    </Stack>
  );
}
