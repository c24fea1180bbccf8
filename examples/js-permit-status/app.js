// Where is my permit? A citizen gives the number of a permit application; the service asks the
// city's permits office (capability `http`: standard fetch() to the host the city approved) and
// answers at once with where it stands. The office answers
//   GET /applications/{number} -> 200 {"status": "...", "decision_due": "YYYY-MM-DD"} or 404.
import { get } from 'carmen:city/config@0.1.2';
import { write } from 'carmen:city/log@0.1.2';

const TEXT = {
  en: {
    name: 'Where is my permit?',
    description: 'See where your permit application stands.',
    number: 'Application number',
    numberHelp: 'As on your receipt, such as P-2026-0412.',
    badNumber: 'An application number has letters, digits and dashes, such as P-2026-0412.',
    unknown: 'The permits office has no application with this number.',
    unreachable: 'The permits office is not answering right now; please try again later.',
    stands: (number, status, due) => `Application ${number}: ${status}.` + (due ? ` A decision is due by ${due}.` : ''),
  },
  it: {
    name: 'A che punto è il mio permesso?',
    description: 'Scopri a che punto è la tua domanda di permesso.',
    number: 'Numero della domanda',
    numberHelp: 'Come sulla ricevuta, ad esempio P-2026-0412.',
    badNumber: 'Un numero di domanda ha lettere, cifre e trattini, ad esempio P-2026-0412.',
    unknown: "L'ufficio permessi non ha alcuna domanda con questo numero.",
    unreachable: "L'ufficio permessi non risponde in questo momento; riprova più tardi.",
    stands: (number, status, due) => `Domanda ${number}: ${status}.` + (due ? ` La decisione è attesa entro il ${due}.` : ''),
  },
};

const languageOf = (language) => (language.startsWith('it') ? 'it' : 'en');

function answer(submission, code) {
  const field = submission.fields.find((f) => f.code === code);
  return field && field.values.length > 0 ? field.values[0].trim() : '';
}

const NUMBER = /^[A-Za-z0-9-]{1,32}$/;

export const service = {
  describe(language) {
    const text = TEXT[languageOf(language)];
    return {
      code: 'permit-status',
      name: text.name,
      description: text.description,
      group: 'Permits',
      keywords: ['permit', 'application'],
      department: 'permits',
      slaHours: 0,
      fields: [{
        code: 'number', label: text.number, help: text.numberHelp, required: true, order: 1,
        datatype: { tag: 'string' },
      }],
      location: 'none',
      contact: 'none',
      language: languageOf(language),
    };
  },

  validate(submission) {
    if (!NUMBER.test(answer(submission, 'number'))) {
      return [{ code: 'number', message: TEXT[languageOf(submission.language)].badNumber }];
    }
    return [];
  },

  // An async export: componentize-js runs the event loop until the promise settles.
  async submit(submission) {
    const text = TEXT[languageOf(submission.language)];
    const number = answer(submission, 'number').toUpperCase();
    const office = (get('permits-office') ?? '').replace(/\/+$/, '');
    const base = /^https?:\/\//.test(office) ? office : `https://${office}`;
    let response;
    try {
      response = await fetch(`${base}/applications/${encodeURIComponent(number)}`);
    } catch (e) {
      // A host the city did not approve, one that did not answer in time, an answer too large:
      // the host refused the request, and the citizen hears the office is not answering.
      write('warn', `the permits office: ${e}`);
      return { tag: 'rejected', val: [{ code: 'number', message: text.unreachable }] };
    }
    if (response.status === 404) {
      return { tag: 'rejected', val: [{ code: 'number', message: text.unknown }] };
    }
    if (!response.ok) {
      write('warn', `the permits office answered ${response.status}`);
      return { tag: 'rejected', val: [{ code: 'number', message: text.unreachable }] };
    }
    const application = await response.json();
    return {
      tag: 'answered',
      val: { reference: number, message: text.stands(number, application.status, application.decision_due) },
    };
  },

  onCaseEvent() {},
  tick() {},
};
