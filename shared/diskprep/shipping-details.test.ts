import { describe, expect, it } from 'vitest';
import {
  carrierAccountProblem,
  carrierNameProblem,
  contactNameProblem,
  COUNTRY_CODES,
  countryProblem,
  emailProblem,
  phoneProblem,
  postalCodeProblem,
  readShippingField,
  shippingDetailsProblems,
  ShippingDetailsSchema,
  stateProblem,
  writeShippingField,
  type ShippingDraft,
} from './shipping-details';

const GOOD: ShippingDraft = {
  contactName: 'Jane Operator',
  phone: '+1 (425) 555-0100',
  email: 'jane.operator@contoso.com',
  streetAddress1: '1 Microsoft Way',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'US',
  returnCarrier: { name: 'FedEx', accountNumber: '123456789' },
};

describe('shipping details', () => {
  it('accepts a complete US address and trims what it returns', () => {
    expect(shippingDetailsProblems(GOOD)).toEqual({});
    const parsed = ShippingDetailsSchema.parse({ ...GOOD, contactName: '  Jane Operator ' });
    expect(parsed.contactName).toBe('Jane Operator');
  });

  it('reports every refused field with its path and a message naming it', () => {
    const result = ShippingDetailsSchema.safeParse({
      ...GOOD,
      contactName: '',
      email: 'jane@',
      postalCode: 'ABCDE',
      returnCarrier: { name: 'Pigeon Post', accountNumber: '12' },
    });
    expect(result.success).toBe(false);
    const byPath = Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));
    expect(Object.keys(byPath).sort()).toEqual(['contactName', 'email', 'postalCode', 'returnCarrier.accountNumber', 'returnCarrier.name']);
    expect(byPath.contactName).toMatch(/contact name/);
    expect(byPath.email).toMatch(/email address/);
    expect(byPath.postalCode).toMatch(/postal code "ABCDE" isn’t a US ZIP code/);
    expect(byPath['returnCarrier.name']).toMatch(/return carrier "Pigeon Post"/);
    expect(byPath['returnCarrier.accountNumber']).toMatch(/carrier account number has 4 to 30/);
  });

  it('refuses unknown fields and wrong types', () => {
    expect(ShippingDetailsSchema.safeParse({ ...GOOD, trackingNumber: 'x' }).success).toBe(false);
    expect(ShippingDetailsSchema.safeParse({ ...GOOD, phone: 4255550100 }).success).toBe(false);
  });

  it.each([
    ['', /Enter the contact name/],
    ['x'.repeat(101), /at most 100 characters \(this has 101\)/],
  ])('contact name %#', (value, message) => expect(contactNameProblem(value)).toMatch(message));
  it('contact name of 1 and 100 characters', () => {
    expect(contactNameProblem('J')).toBeNull();
    expect(contactNameProblem('x'.repeat(100))).toBeNull();
  });

  it.each([
    ['+44 118 909 6000', null],
    ['(425) 555-0100', null],
    ['4255550', null],
    ['+1 234 567 890 123 456 789 0', null],
    ['', /Enter the phone number/],
    ['555-0100', null],
    ['555 010', /7 to 20 digits \(this has 6\)/],
    ['1'.repeat(21), /7 to 20 digits \(this has 21\)/],
    ['425.555.0100', /only digits, spaces/],
    ['425 555 0100 ext 3', /only digits, spaces/],
    ['1+425 555 0100', /only digits, spaces/],
  ])('phone %s', (value, expected) => {
    const problem = phoneProblem(value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ['operator@contoso.com', null],
    ['first.last+seedship@mail.contoso.co.uk', null],
    ["o'brien@example.ie", null],
    ['', /Enter the email address/],
    ['operator', /needs a name and a domain/],
    ['@contoso.com', /needs a name and a domain/],
    ['operator@contoso', /full domain/],
    ['operator@-contoso.com', /full domain/],
    ['op..erator@contoso.com', /name part/],
    ['.operator@contoso.com', /name part/],
    ['op erator@contoso.com', /name part/],
    [`${'a'.repeat(65)}@contoso.com`, /name part/],
    [`a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(10)}.com`, /at most 254 characters/],
  ])('email %s', (value, expected) => {
    const problem = emailProblem(value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ['US', '98052', true],
    ['US', '98052-6399', true],
    ['US', '9805', false],
    ['US', 'K1A 0B1', false],
    ['CA', 'K1A 0B1', true],
    ['CA', 'k1a0b1', true],
    ['CA', 'D1A 0B1', false],
    ['CA', '98052', false],
    ['GB', 'RG6 1RW', true],
    ['GB', 'SW1A 1AA', true],
    ['GB', 'EC1A1BB', true],
    ['GB', 'RG6 1R', false],
    ['GB', '12345', false],
    ['DE', '10115', true],
    ['DE', '1011', false],
    ['FR', '75008', true],
    ['FR', '75 008', false],
    ['NL', '1775 PA', true],
    ['NL', '1775PA', true],
    ['NL', '0775 PA', false],
    ['NL', '1775', false],
    ['IN', '411057', true],
    ['IN', '011057', false],
    ['IN', '41105', false],
    ['JP', '100-0001', true],
    ['JP', '1000001', true],
    ['JP', '100-001', false],
    ['AU', '2113', true],
    ['AU', '21130', false],
    ['BR', '01310-100', true],
    ['BR', '01310100', true],
    ['BR', '0131-0100', false],
    ['IE', 'D22 X7K9', true],
    ['SG', '554914', true],
    // Elsewhere: the generic rule, 2 to 10 letters and digits.
    ['SE', '114 55', true],
    ['PL', '00-950', true],
    ['CH', '8001', true],
    ['CH', '8', false],
    ['CH', '12345678901', false],
    ['CH', '80-', false],
    ['CH', '80_01', false],
  ])('postal code in %s: %s → %s', (country, code, ok) => {
    const problem = postalCodeProblem(code, country);
    if (ok) expect(problem).toBeNull();
    else expect(problem).toMatch(new RegExp(`postal code "${code.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  });
  it('an empty postal code is asked for', () => expect(postalCodeProblem(' ', 'US')).toBe('Enter the postal code.'));

  it('state or province: required in the US, Canada and Australia, optional in Germany', () => {
    for (const country of ['US', 'CA', 'AU']) expect(stateProblem('', country)).toMatch(/Enter the state or province/);
    expect(stateProblem('', 'DE')).toBeNull();
    expect(stateProblem('NSW', 'AU')).toBeNull();
  });

  it('country: an ISO 3166 alpha-2 code from the list', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(countryProblem('GB')).toBeNull();
    expect(countryProblem('UK')).toMatch(/country or region "UK"/);
    expect(countryProblem('USA')).toMatch(/ISO 3166/);
    expect(countryProblem('')).toMatch(/Choose the country or region/);
  });

  it('return carrier and account number', () => {
    for (const name of ['FedEx', 'UPS', 'DHL', 'TNT', 'Royal Mail', 'Blue Dart', 'StarTrack']) expect(carrierNameProblem(name)).toBeNull();
    expect(carrierNameProblem('fedex')).toMatch(/return carrier "fedex"/);
    expect(carrierNameProblem('')).toMatch(/Choose the return carrier/);
    expect(carrierAccountProblem('1234')).toBeNull();
    expect(carrierAccountProblem('A'.repeat(30))).toBeNull();
    expect(carrierAccountProblem('123')).toMatch(/4 to 30 .* \(this has 3\)/);
    expect(carrierAccountProblem('A'.repeat(31))).toMatch(/this has 31/);
    expect(carrierAccountProblem('1234-5678')).toMatch(/only letters and digits/);
    expect(carrierAccountProblem('')).toMatch(/Enter the return carrier account number/);
  });

  it('street address line 1 and the city are required, line 2 is not', () => {
    const problems = shippingDetailsProblems({ ...GOOD, streetAddress1: ' ', city: '', streetAddress2: '' });
    expect(problems.streetAddress1).toMatch(/street address/);
    expect(problems.city).toMatch(/city/);
    expect(problems.streetAddress2).toBeUndefined();
  });
});

describe('shipping form fields', () => {
  it('reads and writes flat and nested (return carrier) fields without touching the others', () => {
    expect(readShippingField(GOOD, 'city')).toBe('Redmond');
    expect(readShippingField(GOOD, 'returnCarrier.accountNumber')).toBe('123456789');
    const changed = writeShippingField(writeShippingField(GOOD, 'returnCarrier.name', 'UPS'), 'postalCode', '98101');
    expect(changed.returnCarrier).toEqual({ name: 'UPS', accountNumber: '123456789' });
    expect(changed.postalCode).toBe('98101');
    expect(GOOD.returnCarrier.name).toBe('FedEx');
  });
});
