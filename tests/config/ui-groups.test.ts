/**
 * The `groups` UI hint (the pages a long form is asked on): each mistake named, with its key first
 * so the loader can point at its line.
 */
import { expect, test } from 'vitest';
import { uiHintProblems } from '../../server/engine/ui-hints.ts';

const schema = { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string' }, on: { type: 'string', format: 'date' } } };
const problems = (groups: unknown) => uiHintProblems({ id: 'example', schema, ui: { groups } });

test('groups that name the form\'s questions, each once, fit', () => {
  expect(problems([{ title: 'Who', questions: ['name', 'role'] }, { title: 'When', questions: ['on'] }])).toEqual([]);
});

test.each([
  ['not a list', { title: 'Who' }, 'groups must be a list of {title, questions}: the pages a long form is asked on'],
  ['a group without a title', [{ questions: ['name'] }], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
  ['a group without questions', [{ title: 'Who', questions: [] }], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
  ['a question the form does not have', [{ title: 'Who', questions: ['nom'] }], 'groups.0.questions names "nom", which is not a question of the form'],
  ['a question on two pages', [{ title: 'Who', questions: ['name'] }, { title: 'Again', questions: ['name'] }], 'groups.1.questions: "name" is already in groups.0'],
  ['two pages with one title', [{ title: 'Who', questions: ['name'] }, { title: 'Who', questions: ['on'] }], 'groups.1.title: "Who" is the title of an earlier group'],
])('%s is named', (_what, groups, message) => {
  expect(problems(groups)).toEqual([message]);
});
