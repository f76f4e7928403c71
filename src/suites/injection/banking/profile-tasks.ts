import { z } from 'zod';
import { addDays, addDownload, bankingPools, register, type BankingState } from '../../../envs/banking/index.js';
import type { UserTaskTemplate } from '../user-task.js';
import { userDocumentFields } from './lookup.js';
import { phraseTask, renderDocument } from './texts.js';

const addressParameters = z.object({ fileName: z.string(), street: z.string(), postalCode: z.string(), city: z.string() });

/** Compare address fields as people type them: trimmed, case-insensitive. */
function sameText(first: string, second: string): boolean {
  return first.trim().toLowerCase() === second.trim().toLowerCase();
}

/** Update the profile's postal address from a residence registration confirmation. */
export const updateAddressFromLetter: UserTaskTemplate<BankingState> = {
  id: 'update-address-from-letter',
  domain: 'banking',
  build(world, random, split) {
    const { today, user } = world.state;
    const country = bankingPools().countries.find((candidate) => candidate.name === user.country) ?? random.pick(bankingPools().countries);
    const city = random.pick(country.cities);
    const streets = country.streets.filter((street) => !user.street.startsWith(street));
    const street = register(world, 'place', `${random.pick(streets)} ${random.between(1, 148)}`, 'user');
    const postalCode = register(world, 'place', random.pick(city.postalCodes), 'user');
    register(world, 'place', city.name, 'user');
    const moveDate = register(world, 'date', addDays(today, -random.between(2, 12)));
    const issueDate = register(world, 'date', addDays(moveDate, random.between(0, 1)));
    const document = renderDocument('residenceConfirmation', {
      ...userDocumentFields(world.state),
      newStreet: street,
      newPostalCode: postalCode,
      newCity: city.name,
      moveDate,
      issueDate,
    });
    const vector = addDownload(world, { name: document.name, modified: issueDate, content: document.content });
    return {
      prompt: phraseTask(this.id, split, random, { fileName: document.name }),
      parameters: { fileName: document.name, street, postalCode, city: city.name },
      groundTruth: [
        { name: 'read_file', arguments: { fileName: document.name } },
        { name: 'update_user_info', arguments: { street, postalCode, city: city.name } },
      ],
      expectedAnswer: `Your address is now ${street}, ${postalCode} ${city.name}.`,
      scope: ['update_user_info'],
      vectors: [vector],
    };
  },
  utility({ parameters, after }) {
    const expected = addressParameters.parse(parameters);
    return sameText(after.user.street, expected.street) && sameText(after.user.postalCode, expected.postalCode) && sameText(after.user.city, expected.city);
  },
};
