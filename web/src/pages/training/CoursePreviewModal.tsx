import { Badge, Group, List, Modal, SegmentedControl, Stack, Tabs, Text, Title, Typography } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useBuiltinCourse } from '../../hooks/useTraining';

/** A built-in course as learners see it (pages), and its quiz with the right answers marked. */
export function CoursePreviewModal({
  clientId,
  slug,
  onClose,
}: {
  clientId: string;
  slug: string | null;
  onClose: () => void;
}) {
  const [language, setLanguage] = useState('en');
  const course = useBuiltinCourse(clientId, slug, language);
  return (
    <Modal opened={slug !== null} onClose={onClose} size="xl" title={course.data?.title ?? 'Course preview'}>
      <Stack gap="md">
        <SegmentedControl
          aria-label="Language"
          value={language}
          onChange={setLanguage}
          data={[
            { value: 'en', label: 'English' },
            { value: 'de', label: 'Deutsch' },
          ]}
          w="fit-content"
        />
        {course.isPending && <PageLoader />}
        {course.isError && <QueryError error={course.error} onRetry={() => course.refetch()} />}
        {course.data && (
          <Tabs defaultValue="pages">
            <Tabs.List>
              <Tabs.Tab value="pages">Pages ({course.data.pages.length})</Tabs.Tab>
              <Tabs.Tab value="quiz">
                Quiz ({course.data.quiz.questions.length} questions, pass mark {course.data.quiz.passMark}%)
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="pages" pt="md">
              <Stack gap="xl">
                {course.data.pages.map((page, i) => (
                  <section key={page.title} aria-label={page.title}>
                    <Title order={2} fz="h3" mb="xs">
                      {i + 1}. {page.title}
                    </Title>
                    {/* The server renders course Markdown and sanitizes it with a strict allowlist
                        (src/modules/training/course-loader.ts); images come from /training-assets. */}
                    <Typography>
                      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized on the server, see above */}
                      <div className="course-page" dangerouslySetInnerHTML={{ __html: page.html }} />
                    </Typography>
                  </section>
                ))}
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="quiz" pt="md">
              <Stack gap="lg">
                {course.data.quiz.questions.map((q, i) => (
                  <Stack key={q.id} gap={4}>
                    <Group gap="xs">
                      <Text fw={600}>
                        {i + 1}. {q.text}
                      </Text>
                      {q.multiple && <Badge variant="light">several answers</Badge>}
                    </Group>
                    <List spacing={2}>
                      {q.choices.map((c) => {
                        const right = q.correct.includes(c.id);
                        return (
                          <List.Item key={c.id} icon={right ? <IconCheck size={16} aria-label="correct" /> : undefined}>
                            <Text fw={right ? 600 : 400}>{c.text}</Text>
                          </List.Item>
                        );
                      })}
                    </List>
                    {q.explanation && (
                      <Text size="sm" c="dimmed">
                        {q.explanation}
                      </Text>
                    )}
                  </Stack>
                ))}
              </Stack>
            </Tabs.Panel>
          </Tabs>
        )}
      </Stack>
    </Modal>
  );
}
