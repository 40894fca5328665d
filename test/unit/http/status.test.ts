import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../functions/domain/errors.ts';
import { STATUS_OF_CODE, statusOf, titleOf } from '../../../functions/http/status.ts';

describe('Table: STATUS_OF_CODE', () => {
  it('gives every domain error code a client or server status, and names no other code', () => {
    // Assess
    expect(Object.keys(STATUS_OF_CODE).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(statusOf(code)).toBeGreaterThanOrEqual(400);
  });

  it('titles each status by the status alone, so no 400 is titled "Conflict."', () => {
    // Assess
    for (const code of ERROR_CODES) {
      const status = statusOf(code);
      expect(titleOf(status), code).not.toBe('Error.');
      if (status !== 409) expect(titleOf(status), code).not.toBe('Conflict.');
    }
    expect(titleOf(statusOf('conversation:error:member-already-joined'))).toBe('Bad request.');
    expect(titleOf(statusOf('user:error:duplicate-name'))).toBe('Conflict.');
  });

  it('answers only an unexpected failure with 500, and only an unavailable store with another 5xx (503)', () => {
    // Assess
    expect(ERROR_CODES.filter((c) => statusOf(c) === 500)).toEqual(['system:error:internal-error']);
    expect(ERROR_CODES.filter((c) => statusOf(c) > 500)).toEqual(['system:error:unavailable']);
    expect(statusOf('system:error:unavailable')).toBe(503);
    expect(titleOf(503)).toBe('Service Unavailable.');
  });
});
