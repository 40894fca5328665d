import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../functions/domain/errors.ts';
import { TWILIO_CODE_OF } from '../../../functions/twilio/errors.ts';

describe('Table: TWILIO_CODE_OF', () => {
  it('gives every domain error code a Twilio code and an error status, and names no other code', () => {
    // Assess
    expect(Object.keys(TWILIO_CODE_OF).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const [twilioCode, status] = TWILIO_CODE_OF[code];
      expect(twilioCode, code).toBeGreaterThanOrEqual(20000);
      expect(status, code).toBeGreaterThanOrEqual(400);
    }
  });

  it("uses Twilio's codes for the conflicts clients look for", () => {
    // Assess
    expect(TWILIO_CODE_OF['conversation:error:binding-in-use']).toEqual([50416, 409]);
    expect(TWILIO_CODE_OF['conversation:error:duplicate-name']).toEqual([50353, 409]);
    expect(TWILIO_CODE_OF['conversation:error:member-already-joined']).toEqual([50433, 409]);
    expect(TWILIO_CODE_OF['conversation:error:member-not-found']).toEqual([50432, 404]);
    expect(TWILIO_CODE_OF['conversation:error:not-found']).toEqual([20404, 404]);
    expect(TWILIO_CODE_OF['paginator-builder:error:invalid-cursor']).toEqual([21481, 400]);
  });
});
