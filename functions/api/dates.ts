/** Vonage accepts `2018-01-01 10:00:00` (UTC) as well as ISO 8601; both become ISO for comparison. */
export const isoDate = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const normalised = value.includes('T') ? value : value.replace(' ', 'T');
  const withZone =
    /(Z|[+-]\d{2}:?\d{2})$/.test(normalised) || normalised.length === 10 ? normalised : `${normalised}Z`;
  return new Date(withZone).toISOString();
};
