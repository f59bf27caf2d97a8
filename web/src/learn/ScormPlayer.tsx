// A SCORM package in a frame sandboxed WITHOUT allow-same-origin: an opaque origin, so it cannot
// read this page (the token), its storage or Baitwise's cookies, and its CSP (connect-src 'none')
// lets it call nothing. The run-time (scorm-again) lives inside the package's own document and
// posts its commits here; this page accepts only messages from that frame, of the expected shape
// and bounds, and saves them through the learner API.
import { Button, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { type LearnerView, learnerApi, stopwatch } from './api';
import { FocusTitle } from './FocusTitle';
import type { Strings } from './i18n';
import { parseScormMessage } from './scorm-message';

type Scorm = Extract<LearnerView['content'], { kind: 'scorm' }>;
export function ScormPlayer({
  content,
  t,
  onCompleted,
}: {
  view: LearnerView;
  content: Scorm;
  t: Strings;
  onCompleted: () => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    const elapsed = stopwatch();
    let last = '';
    const onMessage = (e: MessageEvent) => {
      // Only our frame's window; a sandboxed frame's origin is the opaque "null".
      if (!frame.current || e.source !== frame.current.contentWindow || e.origin !== 'null') return;
      const commit = parseScormMessage(e.data);
      if (!commit) return;
      const key = JSON.stringify(commit);
      if (key === last) return; // the same state committed twice
      last = key;
      learnerApi
        .scorm({ ...commit, secondsSpent: elapsed() })
        .then((r) => {
          // The package may still show its own last screen: the learner moves on when ready.
          if (r.completed) setDone(true);
        })
        .catch(() => undefined);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);
  return (
    <Stack gap="md">
      <FocusTitle order={1} focusKey="scorm">
        {content.title}
      </FocusTitle>
      <iframe
        ref={frame}
        className="scorm-frame"
        title={t.scormFrame(content.title)}
        src={content.launchUrl}
        sandbox="allow-scripts allow-forms"
        referrerPolicy="no-referrer"
      />
      <div aria-live="polite" role="status">
        {done && <Text>{t.scormDone}</Text>}
      </div>
      {done && (
        <Button size="md" onClick={onCompleted} style={{ alignSelf: 'flex-start' }}>
          {t.next}
        </Button>
      )}
    </Stack>
  );
}
