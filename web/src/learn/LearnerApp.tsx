// The learner portal: welcome → course pages → quiz → completion (built-in courses), or the SCORM
// package in a sandboxed frame. Its script, not the link's GET, records the start (POST /start).
import { Alert, Center, Container, Loader, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { LearnerApiError, type LearnerView, learnerApi, stopwatch } from './api';
import { Completion } from './Completion';
import { CoursePages } from './CoursePages';
import { browserLanguage, stringsFor } from './i18n';
import { Quiz } from './Quiz';
import { ScormPlayer } from './ScormPlayer';
import { Welcome } from './Welcome';

type Step = { kind: 'welcome' } | { kind: 'page'; index: number } | { kind: 'quiz' } | { kind: 'done' };

export function LearnerApp() {
  const [view, setView] = useState<LearnerView | null>(null);
  const [error, setError] = useState<LearnerApiError | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'welcome' });
  const elapsed = useRef(stopwatch());
  const started = useRef(false);

  const reload = useCallback(async () => {
    const v = await learnerApi.view();
    setView(v);
    return v;
  }, []);

  useEffect(() => {
    reload()
      .then((v) => {
        if (v.progress.completed) setStep({ kind: 'done' });
        // Once per page load: the browser ran this script, so a person is here.
        if (!started.current) {
          started.current = true;
          learnerApi.start().catch(() => undefined);
        }
      })
      .catch((e) => setError(e instanceof LearnerApiError ? e : new LearnerApiError(0, 'failed', undefined)));
  }, [reload]);

  const language = view?.language ?? browserLanguage();
  const t = stringsFor(language);
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = view ? `${view.content.title} · ${view.client.name}` : t.loading;
  }, [language, view, t]);

  const saving = useRef<Promise<void>>(Promise.resolve());
  const goTo = useCallback(
    (next: Step) => {
      setStep(next);
      if (view?.content.kind !== 'builtin') return;
      const pages = view.content.pages.length;
      const page = next.kind === 'page' ? next.index : next.kind === 'quiz' ? pages : null;
      // One save at a time, in the order the learner moved: two in flight could reach the server
      // in either order, and an earlier page saved last is where the learner would resume.
      if (page !== null)
        saving.current = saving.current
          .then(() => learnerApi.progress(page, elapsed.current()))
          .then((p) =>
            setView((v) => (v ? { ...v, progress: { ...v.progress, page: p.page, progress: p.progress } } : v)),
          )
          .catch(() => undefined);
      window.scrollTo(0, 0);
    },
    [view],
  );

  if (error) return <Refusal error={error} language={language} />;
  if (!view)
    return (
      <Center mih="60vh" role="status">
        <Stack align="center">
          <Loader aria-hidden />
          <Text>{t.loading}</Text>
        </Stack>
      </Center>
    );

  const pageCount = view.content.kind === 'builtin' ? view.content.pages.length : 0;
  const colour = view.client.colour ?? 'var(--mantine-color-indigo-9)';
  return (
    <>
      <a className="skip-link" href="#main">
        {view.content.title}
      </a>
      <header className="no-print" style={{ borderTop: `6px solid ${colour}`, background: '#fff' }}>
        <Container size="md" py="sm">
          {view.client.logoUrl ? (
            <img src={view.client.logoUrl} alt={view.client.name} style={{ maxHeight: 40 }} />
          ) : (
            <Text fw={700} size="lg">
              {view.client.name}
            </Text>
          )}
        </Container>
      </header>
      <Container id="main" component="main" size="md" py="lg" px="md">
        {step.kind === 'done' || view.progress.completed ? (
          <Completion view={view} t={t} />
        ) : view.content.kind === 'scorm' ? (
          <ScormPlayer
            view={view}
            content={view.content}
            t={t}
            onCompleted={() => reload().then(() => setStep({ kind: 'done' }))}
          />
        ) : step.kind === 'welcome' ? (
          <Welcome
            view={view}
            t={t}
            onStart={(from) => goTo(from >= pageCount ? { kind: 'quiz' } : { kind: 'page', index: from })}
          />
        ) : step.kind === 'page' ? (
          <CoursePages view={view} content={view.content} index={step.index} t={t} goTo={goTo} />
        ) : (
          <Quiz
            view={view}
            content={view.content}
            t={t}
            elapsed={elapsed.current}
            onReview={() => goTo({ kind: 'page', index: 0 })}
            onFinished={() => reload().then(() => setStep({ kind: 'done' }))}
          />
        )}
      </Container>
    </>
  );
}

function Refusal({ error, language }: { error: LearnerApiError; language: string }) {
  const t = stringsFor(language);
  const expired = error.code === 'link_expired';
  const client = typeof error.details?.contact === 'string' ? error.details.contact : '';
  return (
    <Container component="main" size="sm" py="xl">
      <Title order={1} mb="md">
        {expired
          ? t.expiredTitle
          : error.status === 429
            ? t.busy
            : error.status === 404
              ? t.unavailableTitle
              : t.failed}
      </Title>
      <Alert color="gray" variant="outline">
        <Text>{expired ? t.expired(client) : error.status === 404 ? t.unavailable : t.failed}</Text>
      </Alert>
    </Container>
  );
}
