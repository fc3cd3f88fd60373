import { COUNTRY_CODES } from '../../../shared/diskprep/shipping-details';

/** Country and region names in the operator's language, from the browser's own CLDR data. */
export function countryOptions(locale = navigator.language): { code: string; name: string }[] {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([locale, 'en'], { type: 'region' });
  } catch {
    names = null;
  }
  return COUNTRY_CODES.map((code) => ({ code, name: names?.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name, locale));
}
