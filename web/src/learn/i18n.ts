// The portal's own words, per language (campaign.language). Add a language by adding a block with
// the same keys: the type makes a missing string a compile error.
const en = {
  loading: 'Loading your training…',
  unavailableTitle: 'This link does not open a training',
  unavailable:
    'Check that you opened the whole link from your invitation. If it still does not work, ask the team that sent it.',
  expiredTitle: 'This training link has expired',
  expired: (client: string) => `Ask the IT or security team of ${client}, who sent you the invitation, for a new link.`,
  busy: 'Too many requests. Please wait a minute and try again.',
  failed: 'Something went wrong. Please try again.',
  welcome: (name: string) => `Welcome, ${name}`,
  welcomeFrom: (client: string) => `${client} asks you to complete this short training.`,
  minutes: (n: number) => `About ${n} minutes`,
  dueBy: (date: string) => `Please complete it by ${date}.`,
  start: 'Start the training',
  resume: 'Continue where you left off',
  restart: 'Start from the beginning',
  pageOf: (n: number, total: number) => `Page ${n} of ${total}`,
  progress: 'Your progress',
  previous: 'Previous',
  next: 'Next',
  toQuiz: 'Go to the quiz',
  quiz: 'Quiz',
  quizIntro: (mark: number, attempts: number) =>
    `Answer every question. You pass with ${mark}% or more; you have ${attempts} attempt${attempts === 1 ? '' : 's'}.`,
  chooseAll: 'Choose all that apply.',
  chooseOne: 'Choose one answer.',
  answerAll: 'Please answer every question.',
  submit: 'Submit answers',
  right: 'Correct',
  wrong: 'Not correct',
  scored: (score: number, mark: number) => `You scored ${score}%. The pass mark is ${mark}%.`,
  passed: 'You passed.',
  notPassed: 'You did not pass this time.',
  attemptsLeft: (n: number) => `You have ${n} attempt${n === 1 ? '' : 's'} left. Review the pages and try again.`,
  tryAgain: 'Try again',
  review: 'Review the pages',
  doneTitle: 'Training complete',
  donePassed: 'Well done: you have completed this training.',
  doneFailed: 'You have used every attempt. Your result has been recorded; your IT or security team may contact you.',
  certificate: 'Certificate of completion',
  certifies: 'This certifies that',
  completedCourse: 'has completed the training',
  onDate: (date: string) => `on ${date}`,
  withScore: (score: number) => `with a score of ${score}%`,
  issuedBy: (client: string) => `Issued for ${client} by Baitwise`,
  print: 'Print or save as PDF',
  scormFrame: (title: string) => `Course: ${title}`,
  scormDone: 'Your result has been saved.',
  saved: 'Progress saved',
};

export type Strings = typeof en;

const de: Strings = {
  loading: 'Ihre Schulung wird geladen…',
  unavailableTitle: 'Dieser Link öffnet keine Schulung',
  unavailable:
    'Prüfen Sie, ob Sie den vollständigen Link aus Ihrer Einladung geöffnet haben. Falls es weiterhin nicht klappt, wenden Sie sich an das Team, das ihn geschickt hat.',
  expiredTitle: 'Dieser Schulungslink ist abgelaufen',
  expired: (client) =>
    `Bitten Sie das IT- oder Sicherheitsteam von ${client}, das Ihnen die Einladung geschickt hat, um einen neuen Link.`,
  busy: 'Zu viele Anfragen. Bitte warten Sie eine Minute und versuchen Sie es erneut.',
  failed: 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
  welcome: (name) => `Willkommen, ${name}`,
  welcomeFrom: (client) => `${client} bittet Sie, diese kurze Schulung abzuschließen.`,
  minutes: (n) => `Etwa ${n} Minuten`,
  dueBy: (date) => `Bitte schließen Sie sie bis ${date} ab.`,
  start: 'Schulung beginnen',
  resume: 'Dort weitermachen, wo Sie aufgehört haben',
  restart: 'Von vorn beginnen',
  pageOf: (n, total) => `Seite ${n} von ${total}`,
  progress: 'Ihr Fortschritt',
  previous: 'Zurück',
  next: 'Weiter',
  toQuiz: 'Zum Quiz',
  quiz: 'Quiz',
  quizIntro: (mark, attempts) =>
    `Beantworten Sie alle Fragen. Bestanden ist ab ${mark} %; Sie haben ${attempts} ${attempts === 1 ? 'Versuch' : 'Versuche'}.`,
  chooseAll: 'Wählen Sie alle zutreffenden Antworten.',
  chooseOne: 'Wählen Sie eine Antwort.',
  answerAll: 'Bitte beantworten Sie alle Fragen.',
  submit: 'Antworten abschicken',
  right: 'Richtig',
  wrong: 'Nicht richtig',
  scored: (score, mark) => `Sie haben ${score} % erreicht. Zum Bestehen sind ${mark} % nötig.`,
  passed: 'Bestanden.',
  notPassed: 'Diesmal nicht bestanden.',
  attemptsLeft: (n) =>
    `Sie haben noch ${n} ${n === 1 ? 'Versuch' : 'Versuche'}. Sehen Sie sich die Seiten noch einmal an und versuchen Sie es erneut.`,
  tryAgain: 'Erneut versuchen',
  review: 'Seiten ansehen',
  doneTitle: 'Schulung abgeschlossen',
  donePassed: 'Gut gemacht: Sie haben diese Schulung abgeschlossen.',
  doneFailed:
    'Sie haben alle Versuche genutzt. Ihr Ergebnis wurde gespeichert; Ihr IT- oder Sicherheitsteam meldet sich gegebenenfalls bei Ihnen.',
  certificate: 'Teilnahmebescheinigung',
  certifies: 'Hiermit wird bestätigt, dass',
  completedCourse: 'die Schulung abgeschlossen hat',
  onDate: (date) => `am ${date}`,
  withScore: (score) => `mit einem Ergebnis von ${score} %`,
  issuedBy: (client) => `Ausgestellt für ${client} von Baitwise`,
  print: 'Drucken oder als PDF speichern',
  scormFrame: (title) => `Kurs: ${title}`,
  scormDone: 'Ihr Ergebnis wurde gespeichert.',
  saved: 'Fortschritt gespeichert',
};

const STRINGS: Record<string, Strings> = { en, de };

export const stringsFor = (language: string): Strings => STRINGS[language] ?? en;

/** The browser's language when the link's own is not known yet (loading, refusals). */
export const browserLanguage = (): string => (navigator.language?.toLowerCase().startsWith('de') ? 'de' : 'en');

export const formatDate = (iso: string, language: string): string =>
  new Date(iso).toLocaleDateString(language === 'de' ? 'de-DE' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
