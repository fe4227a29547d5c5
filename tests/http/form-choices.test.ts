import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/** A form's choices from the partnership data, named as on the day asked: Merton's review cost shares [M §11.2]. */
let server: TestServer;
let businessUnit: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ now: '2023-06-01' });
  businessUnit = await ApiClient.signIn(server, 'merton.business-unit');
});
afterAll(() => server.close());

const sharesChoices = (res: { body: any }) => res.body.ui.choices['costShares.partner'];

test('the cost shares offer the statutory partners by their names of the day, and another agency', async () => {
  const today = await businessUnit.get('/api/partnerships/merton/forms/cspr-commissioning');
  expect(today.status).toBe(200);
  expect(sharesChoices(today)).toEqual({
    options: [
      { value: 'lb-merton', label: 'London Borough of Merton' },
      { value: 'merton-ccg', label: 'NHS South West London Integrated Care Board' },
      { value: 'met-police', label: 'Metropolitan Police Service' },
    ],
    other: 'Another relevant agency or co-opted member involved in the case',
  });
  const before = await businessUnit.get('/api/partnerships/merton/forms/cspr-commissioning?on=2022-05-16');
  expect(sharesChoices(before).options[1]).toEqual({ value: 'merton-ccg', label: 'NHS Merton CCG' });
  // The answer stays text: an agency's name is accepted as the catalogue allows.
  expect(before.body.schema.properties.costShares.items.properties.partner.type).toBe('string');
});

test('a day that is not a date is refused, saying how to write it', async () => {
  const res = await businessUnit.get('/api/partnerships/merton/forms/cspr-commissioning?on=May');
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('bad_request');
});
