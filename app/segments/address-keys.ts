/**
 * The keys Shopify's segment language uses for places: `customer_countries CONTAINS 'NL'`,
 * `customer_regions CONTAINS 'US-CA'`, `customer_cities CONTAINS 'US-CA-LosAngeles'`. The sync
 * stores them on each address (CustomerAddress.regionKey / cityKey) so the compiled SQL can use an
 * index; the in-memory evaluator derives them with the same function.
 */
export interface AddressParts {
  readonly countryCode: string | null;
  readonly provinceCode: string | null;
  readonly city: string | null;
}

/** 'US-CA', or null without both a country and a province. */
export function regionKey(address: AddressParts): string | null {
  const country = clean(address.countryCode)?.toUpperCase();
  const province = clean(address.provinceCode)?.toUpperCase();
  return country && province ? `${country}-${province}` : null;
}

/** 'US-CA-LosAngeles' (spaces removed), 'NL-Amsterdam' without a province, null without a city or country. */
export function cityKey(address: AddressParts): string | null {
  const country = clean(address.countryCode)?.toUpperCase();
  const city = clean(address.city)?.replace(/\s+/g, "");
  if (!country || !city) return null;
  const province = clean(address.provinceCode)?.toUpperCase();
  return province ? `${country}-${province}-${city}` : `${country}-${city}`;
}

function clean(text: string | null): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}
