import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { LearnerView } from './api';
import { FocusTitle } from './FocusTitle';
import { formatDate, type Strings } from './i18n';

export function Welcome({ view, t, onStart }: { view: LearnerView; t: Strings; onStart: (page: number) => void }) {
  const c = view.content;
  const resume = view.progress.page > 0 || view.progress.attemptsUsed > 0;
  return (
    <Stack gap="md">
      <FocusTitle order={1} focusKey="welcome">
        {t.welcome(view.learner.name)}
      </FocusTitle>
      <Text>{t.welcomeFrom(view.client.name)}</Text>
      <Paper withBorder p="lg">
        <Stack gap="xs">
          <Text fw={700} size="xl" component="h2" m={0}>
            {c.title}
          </Text>
          {c.kind === 'builtin' && <Text>{c.summary}</Text>}
          {c.kind === 'builtin' && <Text>{t.minutes(c.minutes)}</Text>}
          <Text>{t.dueBy(formatDate(view.dueAt, view.language))}</Text>
          {view.progress.progress > 0 && <Progress value={view.progress.progress} aria-label={t.progress} mt="xs" />}
        </Stack>
      </Paper>
      <Group>
        {resume ? (
          <>
            <Button size="md" onClick={() => onStart(view.progress.page)}>
              {t.resume}
            </Button>
            <Button size="md" variant="outline" onClick={() => onStart(0)}>
              {t.restart}
            </Button>
          </>
        ) : (
          <Button size="md" onClick={() => onStart(0)}>
            {t.start}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
