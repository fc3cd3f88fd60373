import { z } from 'zod';

/**
 * The shipping details disk prep asks for before it creates the import job (Azure Backup's disk prep
 * tool: contact name, phone, email, return address, country/region, postal code, all required; the
 * return carrier and its account number). They become the job's `returnAddress` and `returnShipping`
 * (Microsoft.ImportExport 2021-01-01).
 *
 * Each rule is a function returning why a value is refused, in words that name the field, or null:
 * the DiskPrep screen runs them as the operator types, the schema runs the same ones on every call.
 */

/**
 * Carriers the Import/Export service lists in `supportedCarriers` of its locations (Locations API);
 * the return carrier must be one of them. Regional ones (Blue Dart in India, Royal Mail in the UK,
 * StarTrack in Australia) serve only their datacenters: the screen shows the region's own list.
 */
export const IMPORT_EXPORT_CARRIERS = ['Blue Dart', 'DHL', 'FedEx', 'Royal Mail', 'StarTrack', 'TNT', 'UPS'] as const;
export type ImportExportCarrier = (typeof IMPORT_EXPORT_CARRIERS)[number];

/** ISO 3166-1 alpha-2 codes of every country and region (officially assigned codes, 249). */
export const COUNTRY_CODES: readonly string[] = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
  'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/** Countries whose addresses need a state, province, territory or prefecture for a carrier to deliver. */
export const STATE_REQUIRED_COUNTRIES: readonly string[] = ['US', 'CA', 'AU', 'BR', 'IN', 'MX', 'CN', 'JP', 'MY'];

/** Postal code formats carriers check, with an example to show the operator. */
export const POSTAL_CODE_FORMATS: Readonly<Record<string, { pattern: RegExp; name: string; example: string }>> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, name: 'a US ZIP code: 5 digits or ZIP+4', example: '98052 or 98052-6399' },
  // Canada Post: letters D F I O Q U never appear, W and Z never first.
  CA: { pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i, name: 'a Canadian postal code (A1A 1A1)', example: 'K1A 0B1' },
  GB: { pattern: /^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$/i, name: 'a UK postcode', example: 'RG6 1RW' },
  DE: { pattern: /^\d{5}$/, name: 'a German postal code (5 digits)', example: '10115' },
  FR: { pattern: /^\d{5}$/, name: 'a French postal code (5 digits)', example: '75008' },
  NL: { pattern: /^[1-9]\d{3} ?[A-Z]{2}$/i, name: 'a Dutch postal code (4 digits and 2 letters)', example: '1775 PA' },
  IN: { pattern: /^[1-9]\d{2} ?\d{3}$/, name: 'an Indian PIN code (6 digits)', example: '411057' },
  JP: { pattern: /^\d{3}-?\d{4}$/, name: 'a Japanese postal code (7 digits)', example: '100-0001' },
  AU: { pattern: /^\d{4}$/, name: 'an Australian postcode (4 digits)', example: '2113' },
  BR: { pattern: /^\d{5}-?\d{3}$/, name: 'a Brazilian CEP (8 digits)', example: '01310-100' },
  IE: { pattern: /^([AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}$/i, name: 'an Irish Eircode', example: 'D22 X7K9' },
  SG: { pattern: /^\d{6}$/, name: 'a Singapore postal code (6 digits)', example: '554914' },
};

/** Anywhere else: 2 to 10 letters and digits, single spaces or hyphens between them. */
const GENERIC_POSTAL_CODE = /^[A-Za-z0-9]+([ -][A-Za-z0-9]+)*$/;

const count = (text: string, what: RegExp) => (text.match(what) ?? []).length;

/** Contact name: 1 to 100 characters. */
export function contactNameProblem(name: string): string | null {
  const value = name.trim();
  if (value === '') return 'Enter the contact name: the person the datacenter calls about this shipment.';
  if (value.length > 100) return `The contact name has at most 100 characters (this has ${value.length}).`;
  return null;
}

/** Phone: digits, spaces, a leading +, hyphens and parentheses; 7 to 20 digits. */
export function phoneProblem(phone: string): string | null {
  const value = phone.trim();
  if (value === '') return 'Enter the phone number.';
  if (!/^\+?[0-9 ()-]+$/.test(value)) return 'The phone number uses only digits, spaces, a leading +, hyphens and parentheses.';
  const digits = count(value, /\d/g);
  if (digits < 7 || digits > 20) return `The phone number has 7 to 20 digits (this has ${digits}).`;
  return null;
}

// RFC 5321/5322 in practice: a dot-atom local part of at most 64 characters and a host name with a dot.
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Email: name@host.tld, at most 254 characters (RFC 5321's path limit). */
export function emailProblem(email: string): string | null {
  const value = email.trim();
  if (value === '') return 'Enter the email address.';
  if (value.length > 254) return `The email address has at most 254 characters (this has ${value.length}).`;
  const at = value.lastIndexOf('@');
  const local = at > 0 ? value.slice(0, at) : '';
  const domain = at > 0 ? value.slice(at + 1) : '';
  if (local === '' || domain === '') return `The email address "${value}" needs a name and a domain, like operator@contoso.com.`;
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return `The email address "${value}" has a name part Azure won’t accept (before the @).`;
  if (!EMAIL_DOMAIN.test(domain)) return `The email address "${value}" needs a full domain after the @, like contoso.com.`;
  return null;
}

/** Street address line 1: required. */
export function streetAddress1Problem(street: string): string | null {
  const value = street.trim();
  if (value === '') return 'Enter the street address (line 1) the drives come back to.';
  if (value.length > 256) return `Street address line 1 has at most 256 characters (this has ${value.length}).`;
  return null;
}

/** Street address line 2: optional. */
export function streetAddress2Problem(street: string): string | null {
  const value = street.trim();
  if (value.length > 256) return `Street address line 2 has at most 256 characters (this has ${value.length}).`;
  return null;
}

/** City: required. */
export function cityProblem(city: string): string | null {
  const value = city.trim();
  if (value === '') return 'Enter the city.';
  if (value.length > 128) return `The city has at most 128 characters (this has ${value.length}).`;
  return null;
}

/** Country or region: an ISO 3166-1 alpha-2 code from the list. */
export function countryProblem(country: string): string | null {
  const value = country.trim();
  if (value === '') return 'Choose the country or region.';
  if (!COUNTRY_CODES.includes(value)) return `The country or region "${value}" isn’t an ISO 3166 two-letter code from the list.`;
  return null;
}

/** State or province: required where carriers need it (STATE_REQUIRED_COUNTRIES), else optional. */
export function stateProblem(state: string, country: string): string | null {
  const value = state.trim();
  if (value === '' && STATE_REQUIRED_COUNTRIES.includes(country.trim())) return `Enter the state or province: addresses in ${country.trim()} need one.`;
  if (value.length > 128) return `The state or province has at most 128 characters (this has ${value.length}).`;
  return null;
}

/** Postal code: the country's own format where Seedship knows it, 2 to 10 letters and digits elsewhere. */
export function postalCodeProblem(postalCode: string, country: string): string | null {
  const value = postalCode.trim();
  if (value === '') return 'Enter the postal code.';
  const format = POSTAL_CODE_FORMATS[country.trim()];
  if (format) {
    if (!format.pattern.test(value)) return `The postal code "${value}" isn’t ${format.name}, like ${format.example}.`;
    return null;
  }
  const alphanumerics = count(value, /[A-Za-z0-9]/g);
  if (!GENERIC_POSTAL_CODE.test(value) || alphanumerics < 2 || alphanumerics > 10) {
    return `The postal code "${value}" has 2 to 10 letters and digits (spaces or hyphens only between them).`;
  }
  return null;
}

/** Return carrier: one the Import/Export service works with. */
export function carrierNameProblem(name: string): string | null {
  const value = name.trim();
  if (value === '') return 'Choose the return carrier.';
  if (!(IMPORT_EXPORT_CARRIERS as readonly string[]).includes(value)) return `The return carrier "${value}" isn’t one the Import/Export service works with (${IMPORT_EXPORT_CARRIERS.join(', ')}).`;
  return null;
}

/** Carrier account number: 4 to 30 letters and digits (the service bills the return to it). */
export function carrierAccountProblem(account: string): string | null {
  const value = account.trim();
  if (value === '') return 'Enter the return carrier account number.';
  if (!/^[A-Za-z0-9]+$/.test(value)) return 'The carrier account number uses only letters and digits (no spaces or hyphens).';
  if (value.length < 4 || value.length > 30) return `The carrier account number has 4 to 30 letters and digits (this has ${value.length}).`;
  return null;
}

/** Field paths as the schema and the screen name them (`returnCarrier.accountNumber`). */
export const SHIPPING_FIELDS = [
  'contactName',
  'phone',
  'email',
  'streetAddress1',
  'streetAddress2',
  'city',
  'stateOrProvince',
  'postalCode',
  'countryOrRegion',
  'returnCarrier.name',
  'returnCarrier.accountNumber',
] as const;
export type ShippingField = (typeof SHIPPING_FIELDS)[number];

export interface ShippingDraft {
  contactName: string;
  phone: string;
  email: string;
  streetAddress1: string;
  streetAddress2?: string | undefined;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  countryOrRegion: string;
  returnCarrier: { name: string; accountNumber: string };
}

/** Every refused field of a draft with its message; empty when the details can go to Azure. */
export function shippingDetailsProblems(details: ShippingDraft): Partial<Record<ShippingField, string>> {
  const problems: Partial<Record<ShippingField, string>> = {};
  const add = (field: ShippingField, problem: string | null) => {
    if (problem) problems[field] = problem;
  };
  add('contactName', contactNameProblem(details.contactName));
  add('phone', phoneProblem(details.phone));
  add('email', emailProblem(details.email));
  add('streetAddress1', streetAddress1Problem(details.streetAddress1));
  add('streetAddress2', streetAddress2Problem(details.streetAddress2 ?? ''));
  add('city', cityProblem(details.city));
  add('countryOrRegion', countryProblem(details.countryOrRegion));
  add('stateOrProvince', stateProblem(details.stateOrProvince, details.countryOrRegion));
  add('postalCode', postalCodeProblem(details.postalCode, details.countryOrRegion));
  add('returnCarrier.name', carrierNameProblem(details.returnCarrier.name));
  add('returnCarrier.accountNumber', carrierAccountProblem(details.returnCarrier.accountNumber));
  return problems;
}

// The types and generous bounds refuse junk on the wire; the rules above give the operator's messages.
export const ReturnCarrierSchema = z.strictObject({
  name: z.string().trim().max(64),
  accountNumber: z.string().trim().max(64),
});

/** The fields without the cross-field rules, for callers that need a plain object schema. */
export const ShippingDetailsFieldsSchema = z.strictObject({
  contactName: z.string().trim().max(1024),
  phone: z.string().trim().max(1024),
  email: z.string().trim().max(1024),
  streetAddress1: z.string().trim().max(1024),
  streetAddress2: z.string().trim().max(1024).optional(),
  city: z.string().trim().max(1024),
  /** May be empty where the country doesn't need one (see STATE_REQUIRED_COUNTRIES). */
  stateOrProvince: z.string().trim().max(1024),
  postalCode: z.string().trim().max(1024),
  /** ISO 3166-1 alpha-2, e.g. US, GB, DE. */
  countryOrRegion: z.string().trim().max(1024),
  returnCarrier: ReturnCarrierSchema,
});

/** The shipping details with every rule; each issue's path names the field it is about. */
export const ShippingDetailsSchema = ShippingDetailsFieldsSchema.superRefine((details, ctx) => {
  for (const [field, message] of Object.entries(shippingDetailsProblems(details))) {
    ctx.addIssue({ code: 'custom', message, path: field.split('.') });
  }
});
export type ShippingDetails = z.infer<typeof ShippingDetailsSchema>;

/** The details as the Import/Export API's returnAddress and returnShipping (job create and update). */
export function toReturnInfo(shipping: ShippingDraft) {
  return {
    returnAddress: {
      recipientName: shipping.contactName,
      streetAddress1: shipping.streetAddress1,
      ...(shipping.streetAddress2 ? { streetAddress2: shipping.streetAddress2 } : {}),
      city: shipping.city,
      stateOrProvince: shipping.stateOrProvince,
      postalCode: shipping.postalCode,
      countryOrRegion: shipping.countryOrRegion,
      phone: shipping.phone,
      email: shipping.email,
    },
    returnShipping: { carrierName: shipping.returnCarrier.name, carrierAccountNumber: shipping.returnCarrier.accountNumber },
  };
}

/** Each field's label on the shipping forms (disk prep's and the dashboard's return shipping). */
export const SHIPPING_FIELD_LABELS: Record<ShippingField, string> = {
  contactName: 'Contact name',
  phone: 'Phone',
  email: 'Email',
  streetAddress1: 'Street address',
  streetAddress2: 'Address line 2',
  city: 'City',
  stateOrProvince: 'State or province',
  postalCode: 'Postal code',
  countryOrRegion: 'Country or region',
  'returnCarrier.name': 'Return carrier',
  'returnCarrier.accountNumber': 'Carrier account number',
};

/** A field's value in a draft ('returnCarrier.x' reads the nested carrier). */
export function readShippingField(draft: ShippingDraft, field: ShippingField): string {
  if (field === 'returnCarrier.name') return draft.returnCarrier.name;
  if (field === 'returnCarrier.accountNumber') return draft.returnCarrier.accountNumber;
  return draft[field] ?? '';
}

/** The draft with one field changed. */
export function writeShippingField(draft: ShippingDraft, field: ShippingField, value: string): ShippingDraft {
  if (field === 'returnCarrier.name') return { ...draft, returnCarrier: { ...draft.returnCarrier, name: value } };
  if (field === 'returnCarrier.accountNumber') return { ...draft, returnCarrier: { ...draft.returnCarrier, accountNumber: value } };
  return { ...draft, [field]: value };
}
