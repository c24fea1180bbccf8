// {{title}}: a Carmen city service. A citizen describes what they need and where; the service
// opens a case for the city's staff.
//
// The imports come from `wit/`: your world, with exactly the capabilities in `carmen.toml`.
// Build with `carmen plugin build`, try with `carmen plugin test`.
@log|import { write } from 'carmen:city/log@0.1.2';
@store|import { get, set } from 'carmen:city/store@0.1.2';

/** The first answer to the field `code`, or "". */
function answer(submission, code) {
  const field = submission.fields.find((f) => f.code === code);
  return field && field.values.length > 0 ? field.values[0] : '';
}

export const service = {
  describe(language) {
    // Answer in the citizen's language where you have it; `language` is BCP 47 (`en`, `nl`...).
    const dutch = language.startsWith('nl');
    return {
      code: '{{name}}',
      name: dutch ? '{{title}} (nl)' : '{{title}}',
      description: 'Tell the city what you need and where; staff take it from there.',
      group: 'General',
      keywords: ['{{name}}'],
      department: 'general',
      slaHours: 72,
      fields: [{
        code: 'what',
        label: dutch ? 'Waar gaat het om?' : 'What is it about?',
        help: 'A few words are enough.',
        required: true,
        order: 1,
        datatype: { tag: 'string' },
      }],
      location: 'required',
      contact: 'optional',
      language: dutch ? 'nl' : 'en',
    };
  },

  validate(submission) {
    if (answer(submission, 'what').trim().length < 3) {
      return [{ code: 'what', message: 'Say in a few words what it is about.' }];
    }
    return [];
  },

  submit(submission) {
    const what = answer(submission, 'what').trim();
@store|    // The store is this service's own, in this city: count the requests so far.
@store|    const kept = get('requests');
@store|    const count = (kept ? Number(new TextDecoder().decode(kept)) : 0) + 1;
@store|    set('requests', new TextEncoder().encode(String(count)));
@log|    write('info', `a new request: ${what}`);
    return {
      tag: 'opened',
      val: {
        title: `{{title}}: ${what}`,
        description: submission.description ?? '',
        priority: 'normal',
        location: submission.location,
        department: undefined,
        due: undefined,
        notice: "Thank you: the city's staff will look at it.",
      },
    };
  },

  onCaseEvent(event) {},

  tick(now) {},
};
