// The quiz: each question a fieldset (legend = the question) of radio buttons or checkboxes, so
// screen readers announce question and choice together. Grading is the server's; the result is
// announced through a live region.
import { Alert, Button, Checkbox, Group, Paper, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { LearnerApiError, type LearnerView, learnerApi, type QuizResult } from './api';
import { FocusTitle } from './FocusTitle';
import type { Strings } from './i18n';

type Builtin = Extract<LearnerView['content'], { kind: 'builtin' }>;

export function Quiz({
  view,
  content,
  t,
  elapsed,
  onReview,
  onFinished,
}: {
  view: LearnerView;
  content: Builtin;
  t: Strings;
  elapsed: () => number;
  onReview: () => void;
  onFinished: () => void;
}) {
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  const [result, setResult] = useState<QuizResult | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const q = content.quiz;
  const attemptsLeft = result ? result.attemptsLeft : q.attemptsAllowed - view.progress.attemptsUsed;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (q.questions.some((x) => !answers[x.id]?.length)) {
      setMessage(t.answerAll);
      return;
    }
    setBusy(true);
    try {
      const r = await learnerApi.quiz(answers, elapsed());
      setResult(r);
      setMessage(
        `${t.scored(r.score, r.passMark)} ${r.passed ? t.passed : t.notPassed}${!r.passed && r.attemptsLeft > 0 ? ` ${t.attemptsLeft(r.attemptsLeft)}` : ''}`,
      );
    } catch (err) {
      setMessage(err instanceof LearnerApiError && err.status === 429 ? t.busy : t.failed);
    } finally {
      setBusy(false);
    }
  };

  const retry = () => {
    setResult(null);
    setAnswers({});
    setMessage('');
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="lg">
        <FocusTitle order={1} focusKey="quiz">
          {t.quiz}: {content.title}
        </FocusTitle>
        <Text>{t.quizIntro(q.passMark, q.attemptsAllowed)}</Text>
        {q.questions.map((question, i) => {
          const verdict = result?.correct[question.id];
          const legend = `${i + 1}. ${question.text}`;
          const hint = question.multiple ? t.chooseAll : t.chooseOne;
          return (
            <Paper key={question.id} withBorder p="md" component="fieldset" style={{ margin: 0 }} disabled={!!result}>
              {question.multiple ? (
                <Checkbox.Group
                  label={legend}
                  description={hint}
                  value={answers[question.id] ?? []}
                  onChange={(v) => setAnswers((a) => ({ ...a, [question.id]: v }))}
                  labelProps={{ fw: 600, size: 'md' }}
                >
                  <Stack gap="xs" mt="xs">
                    {question.choices.map((c) => (
                      <Checkbox key={c.id} value={c.id} label={c.text} />
                    ))}
                  </Stack>
                </Checkbox.Group>
              ) : (
                <Radio.Group
                  label={legend}
                  description={hint}
                  name={question.id}
                  value={answers[question.id]?.[0] ?? null}
                  onChange={(v) => setAnswers((a) => ({ ...a, [question.id]: [v] }))}
                  labelProps={{ fw: 600, size: 'md' }}
                >
                  <Stack gap="xs" mt="xs">
                    {question.choices.map((c) => (
                      <Radio key={c.id} value={c.id} label={c.text} />
                    ))}
                  </Stack>
                </Radio.Group>
              )}
              {verdict !== undefined && (
                <Text mt="xs" fw={700} c={verdict ? 'green.9' : 'red.9'}>
                  {verdict ? `✓ ${t.right}` : `✗ ${t.wrong}`}
                </Text>
              )}
            </Paper>
          );
        })}
        <div aria-live="polite" role="status">
          {message && (
            <Alert color={result?.passed ? 'green' : result ? 'orange' : 'gray'} variant="light">
              <Text c="dark.9">{message}</Text>
            </Alert>
          )}
        </div>
        <Group>
          {!result && (
            <Button type="submit" size="md" loading={busy} disabled={attemptsLeft <= 0}>
              {t.submit}
            </Button>
          )}
          {result && !result.completed && (
            <>
              <Button size="md" onClick={retry}>
                {t.tryAgain}
              </Button>
              <Button size="md" variant="outline" onClick={onReview}>
                {t.review}
              </Button>
            </>
          )}
          {result?.completed && (
            <Button size="md" onClick={onFinished}>
              {t.next}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
