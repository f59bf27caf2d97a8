// The completion page and the certificate. Printing (window.print) shows the certificate alone
// (learn.css @media print), which the browser's print dialog can also save as a PDF.
import { Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type Certificate, type LearnerView, learnerApi } from './api';
import { FocusTitle } from './FocusTitle';
import { formatDate, type Strings } from './i18n';

export function Completion({ view, t }: { view: LearnerView; t: Strings }) {
  const [cert, setCert] = useState<Certificate | null>(null);
  const passed = view.progress.passed !== false;
  useEffect(() => {
    if (passed)
      learnerApi
        .certificate()
        .then(setCert)
        .catch(() => undefined);
  }, [passed]);
  return (
    <Stack gap="lg">
      <div className="no-print">
        <FocusTitle order={1} focusKey="done">
          {t.doneTitle}
        </FocusTitle>
        <Text>{passed ? t.donePassed : t.doneFailed}</Text>
      </div>
      {cert && (
        <>
          <section className="certificate" aria-labelledby="certificate-title">
            <Text component="h2" id="certificate-title" fw={700} size="xl" m={0}>
              {t.certificate}
            </Text>
            <Text mt="lg">{t.certifies}</Text>
            <p className="name">{cert.learnerName}</p>
            <Text>{t.completedCourse}</Text>
            <Text fw={700} size="lg" my="xs">
              {cert.courseTitle}
            </Text>
            <Text>
              {t.onDate(formatDate(cert.completedAt, view.language))}
              {cert.score !== null ? `, ${t.withScore(cert.score)}` : ''}
            </Text>
            <Text mt="lg" size="sm">
              {t.issuedBy(cert.clientName)}
            </Text>
          </section>
          <Group className="no-print">
            <Button size="md" onClick={() => window.print()}>
              {t.print}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
