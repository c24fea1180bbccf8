// Tree request: a citizen asks the city to plant a street tree in front of a house. The first
// request for an address opens a case for the parks department; the service keeps the addresses
// asked for in its store, and a second request for the same address is answered at once with the
// reference of the first.
import { get, set } from 'carmen:city/store@0.1.2';
import { write } from 'carmen:city/log@0.1.2';

const TEXT = {
  en: {
    name: 'Ask for a street tree',
    description: 'Ask the city to plant a tree in front of your house.',
    species: 'Which tree would you like?',
    speciesHelp: 'The parks team has the last word: not every street has room for every tree.',
    choices: [['linden', 'Linden'], ['maple', 'Maple'], ['cherry', 'Flowering cherry'], ['any', 'Any tree that fits']],
    address: 'Give the address where the tree should go.',
    notice: 'Thank you: the parks team will visit the address before the planting season.',
    already: (ref) => `A tree was already asked for at this address (reference ${ref}); the parks team has it.`,
  },
  nl: {
    name: 'Een straatboom aanvragen',
    description: 'Vraag de gemeente een boom voor uw huis te planten.',
    species: 'Welke boom wilt u?',
    speciesHelp: 'Het groenteam beslist: niet elke straat heeft ruimte voor elke boom.',
    choices: [['linden', 'Linde'], ['maple', 'Esdoorn'], ['cherry', 'Sierkers'], ['any', 'Elke boom die past']],
    address: 'Geef het adres waar de boom moet komen.',
    notice: 'Dank u: het groenteam bezoekt het adres voor het plantseizoen.',
    already: (ref) => `Voor dit adres is al een boom aangevraagd (kenmerk ${ref}); het groenteam heeft het.`,
  },
};

const languageOf = (language) => (language.startsWith('nl') ? 'nl' : 'en');

function answer(submission, code) {
  const field = submission.fields.find((f) => f.code === code);
  return field && field.values.length > 0 ? field.values[0] : '';
}

/** The address as kept: lowercase, single spaces. */
function addressKey(submission) {
  const address = submission.location?.address ?? '';
  return address.toLowerCase().replace(/[\s,]+/g, ' ').trim();
}

export const service = {
  describe(language) {
    const text = TEXT[languageOf(language)];
    return {
      code: 'tree-request',
      name: text.name,
      description: text.description,
      group: 'Parks and green',
      keywords: ['tree', 'planting'],
      department: 'parks',
      slaHours: 24 * 30,
      fields: [{
        code: 'species',
        label: text.species,
        help: text.speciesHelp,
        required: true,
        order: 1,
        datatype: { tag: 'single-value-list', val: text.choices.map(([key, name]) => ({ key, name })) },
      }],
      location: 'required',
      contact: 'optional',
      language: languageOf(language),
    };
  },

  validate(submission) {
    if (addressKey(submission).length < 3) {
      return [{ code: 'location', message: TEXT[languageOf(submission.language)].address }];
    }
    return [];
  },

  submit(submission) {
    const text = TEXT[languageOf(submission.language)];
    const key = `address/${addressKey(submission)}`;
    const kept = get(key);
    if (kept) {
      const reference = new TextDecoder().decode(kept);
      return { tag: 'answered', val: { reference, message: text.already(reference) } };
    }
    const counted = get('requests');
    const count = (counted ? Number(new TextDecoder().decode(counted)) : 0) + 1;
    const reference = `TREE-${String(count).padStart(4, '0')}`;
    set('requests', new TextEncoder().encode(String(count)));
    set(key, new TextEncoder().encode(reference));
    write('info', `tree request ${reference}`);
    return {
      tag: 'opened',
      val: {
        title: `Street tree (${answer(submission, 'species')}) ${reference}`,
        description: submission.description ?? '',
        priority: 'low',
        location: submission.location,
        department: undefined,
        due: undefined,
        notice: `${text.notice} (${reference})`,
      },
    };
  },

  onCaseEvent(event) {},

  tick(now) {},
};
