/** Where the Twilio surface is mounted, in front of Twilio's own `/v1/…` paths (its own module, so the webhook Lambdas can build its URLs without the surface's HTTP stack). */
export const TWILIO_PREFIX = '/twilio';
