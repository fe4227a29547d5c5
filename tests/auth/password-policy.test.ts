import { expect, test } from 'vitest';
import { COMMONEST_LONG_PASSWORDS, MIN_PASSWORD_LENGTH, PASSWORD_POLICY, passwordProblem } from '../../server/auth/password-policy.ts';

const TOO_SHORT = 'The password must have at least 12 characters';
const HAS_USERNAME = 'The password must not contain the username';
const TOO_COMMON =
  'That password is too common to be safe: choose one that is not a well-known password or word with digits added, for example three or four unrelated words';

test('the policy is named and asks for 12 characters', () => {
  expect(PASSWORD_POLICY).toBe('min-12-not-common-v1');
  expect(MIN_PASSWORD_LENGTH).toBe(12);
});

test('three or four unrelated words are accepted', () => {
  expect(passwordProblem('tulip kettle orbit', 'j.smith')).toBeUndefined();
  expect(passwordProblem('pass1234word', 'j.smith')).toBeUndefined();
  expect(passwordProblem('abcdeabcdeab', 'j.smith')).toBeUndefined();
});

test('eleven characters are too few and twelve enough, counted as characters, not UTF-16 units', () => {
  expect(passwordProblem('tulipkettleo', 'j.smith')).toBeUndefined();
  expect(passwordProblem('tulipkettle', 'j.smith')).toBe(TOO_SHORT);
  expect(passwordProblem('', 'j.smith')).toBe(TOO_SHORT);
  // Eleven of these letters are 22 UTF-16 units but 11 characters.
  expect(passwordProblem('𝒶𝒷𝒸𝒹𝑒𝒻𝑔𝒽𝒾𝒿𝓀', 'j.smith')).toBe(TOO_SHORT);
  expect(passwordProblem('😀😁😂🤣😃😄😅😆😉😊😋', 'j.smith')).toBe(TOO_SHORT);
  expect(passwordProblem('𝒶𝒷𝒸𝒹𝑒𝒻𝑔𝒽𝒾𝒿𝓀𝓁', 'j.smith')).toBeUndefined();
});

test('a password containing the username, in any case, is refused', () => {
  expect(passwordProblem('my-J.Smith-orbit-tulip', 'j.smith')).toBe(HAS_USERNAME);
  expect(passwordProblem('my-j.smith-orbit-tulip', 'J.SMITH')).toBe(HAS_USERNAME);
  expect(passwordProblem('j.smit-orbit-tulip', 'j.smith')).toBeUndefined();
});

test('a common password is refused, and so is one with digits, spaces or punctuation added at either end', () => {
  expect(passwordProblem('qwertyuiopasdfghjkl', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('QwertyUiopAsdfghjkl', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('Password1234!', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('12password34', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('!!! password 2024', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('  safeguarding', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('€€€password€€€', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('...password...', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('1password1', 'j.smith')).toBe(TOO_SHORT);
});

test('a common password that itself begins or ends with digits is refused as it is', () => {
  expect(passwordProblem('1qaz2wsx3edc', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('1q2w3e4r5t6y', 'j.smith')).toBe(TOO_COMMON);
});

test('nothing but digits and punctuation, or fewer than five different characters, is refused', () => {
  expect(passwordProblem('123456789012', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('!@#$%^&*()_+', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('abababababab', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('abcdabcdabcd', 'j.smith')).toBe(TOO_COMMON);
  expect(passwordProblem('ABCDabcdABCD', 'j.smith')).toBe(TOO_COMMON);
});

test('the commonest long passwords start-up tries against every hash are all refused by the policy', () => {
  expect(COMMONEST_LONG_PASSWORDS).toEqual(['password1234', '123456789012', 'qwerty123456']);
  for (const password of COMMONEST_LONG_PASSWORDS) expect(passwordProblem(password, 'j.smith')).toBe(TOO_COMMON);
});
