import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { log } from '../../../functions/http/log.ts';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const ENV = ['PARLEY_LOG', 'LOG_LEVEL', 'AWS_LAMBDA_LOG_LEVEL', 'AWS_LAMBDA_LOG_FORMAT'] as const;

describe('Function: log', () => {
  let spies: Record<(typeof LEVELS)[number] | 'log', MockInstance>;
  const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

  beforeEach(() => {
    for (const name of ENV) delete process.env[name];
    spies = {
      debug: vi.spyOn(console, 'debug').mockImplementation(() => {}),
      info: vi.spyOn(console, 'info').mockImplementation(() => {}),
      warn: vi.spyOn(console, 'warn').mockImplementation(() => {}),
      error: vi.spyOn(console, 'error').mockImplementation(() => {}),
      log: vi.spyOn(console, 'log').mockImplementation(() => {}),
    };
  });

  afterEach(() => {
    vi.restoreAllMocks();
    for (const name of ENV)
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
  });

  /** Which console methods were called, in level order. */
  const written = (): string[] => LEVELS.filter((level) => spies[level].mock.calls.length > 0);
  const logEveryLevel = () => {
    for (const level of LEVELS) log(level, `a ${level} line`);
  };

  it('writes each level with its own console method, as one JSON line of the same shape', () => {
    // Act
    logEveryLevel();
    log('info', 'request', { status: 200 });

    // Assess
    expect(written()).toEqual(['debug', 'info', 'warn', 'error']);
    expect(spies.log).not.toHaveBeenCalled();
    for (const level of LEVELS) {
      const [[line]] = spies[level].mock.calls;
      expect(JSON.parse(line)).toEqual({
        level,
        message: `a ${level} line`,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    }
    expect(JSON.parse(spies.info.mock.calls[1][0])).toMatchObject({ message: 'request', status: 200 });
  });

  it.each([
    ['LOG_LEVEL', 'warn', ['warn', 'error']],
    ['LOG_LEVEL', 'DEBUG', ['debug', 'info', 'warn', 'error']],
    ['AWS_LAMBDA_LOG_LEVEL', 'INFO', ['info', 'warn', 'error']],
    ['AWS_LAMBDA_LOG_LEVEL', 'ERROR', ['error']],
    ['AWS_LAMBDA_LOG_LEVEL', 'TRACE', ['debug', 'info', 'warn', 'error']],
    ['LOG_LEVEL', 'verbose', ['debug', 'info', 'warn', 'error']],
  ])('drops the lines below %s=%s', (name, value, expected) => {
    // Prepare
    process.env[name] = value;

    // Act
    logEveryLevel();

    // Assess
    expect(written()).toEqual(expected);
  });

  it("prefers Lambda's level to LOG_LEVEL", () => {
    // Prepare
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    process.env.LOG_LEVEL = 'DEBUG';

    // Act
    logEveryLevel();

    // Assess
    expect(written()).toEqual(['error']);
  });

  it('keeps only errors when PARLEY_LOG=silent, whatever the level', () => {
    // Prepare
    process.env.PARLEY_LOG = 'silent';
    process.env.LOG_LEVEL = 'DEBUG';

    // Act
    logEveryLevel();

    // Assess
    expect(written()).toEqual(['error']);
  });

  it("hands Lambda's JSON log format the record itself, so it is not escaped into a string", () => {
    // Prepare
    process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';

    // Act
    log('warn', 'voice status', { provider: 'vonage' });

    // Assess
    expect(spies.warn).toHaveBeenCalledWith({
      level: 'warn',
      message: 'voice status',
      timestamp: expect.any(String),
      provider: 'vonage',
    });
  });
});
