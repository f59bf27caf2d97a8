// The one page a learner's link shows when it does not open. It names no reason (an unknown
// token, a revoked enrolment and a cancelled campaign look alike, so a guessed or stolen token
// learns nothing), except an expired link: its holder is genuine and needs to know whom to ask.
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

type Page = { kind: 'unavailable' } | { kind: 'busy' } | { kind: 'expired'; clientName: string };

const TEXT = {
  en: {
    unavailable: [
      'This link does not open a training',
      'Check that you opened the whole link from your invitation. If it still does not work, ask the team that sent you the invitation.',
    ],
    busy: ['Too many requests', 'Please wait a minute, then reload the page.'],
    expired: [
      'This training link has expired',
      'Ask the IT or security team of {client}, who sent you the invitation, for a new link.',
    ],
  },
  de: {
    unavailable: [
      'Dieser Link öffnet keine Schulung',
      'Prüfen Sie, ob Sie den vollständigen Link aus Ihrer Einladung geöffnet haben. Falls es weiterhin nicht klappt, wenden Sie sich an das Team, das Ihnen die Einladung geschickt hat.',
    ],
    busy: ['Zu viele Anfragen', 'Bitte warten Sie eine Minute und laden Sie die Seite dann neu.'],
    expired: [
      'Dieser Schulungslink ist abgelaufen',
      'Bitten Sie das IT- oder Sicherheitsteam von {client}, das Ihnen die Einladung geschickt hat, um einen neuen Link.',
    ],
  },
} as const;

export function refusalPage(page: Page, language: string): string {
  const lang = language === 'de' ? 'de' : 'en';
  const [title, body] = TEXT[lang][page.kind];
  const text = esc(body).replace('{client}', page.kind === 'expired' ? `<strong>${esc(page.clientName)}</strong>` : '');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;padding:2rem 1rem;color:#1a1b1e;background:#f8f9fa}
main{max-width:36rem;margin:0 auto;background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:1.5rem}h1{font-size:1.4rem;margin-top:0}p{line-height:1.5}</style>
</head><body><main><h1>${esc(title)}</h1><p>${text}</p></main></body></html>`;
}
