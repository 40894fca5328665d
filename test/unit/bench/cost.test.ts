/** The benchmark's size rules and cost model: plain arithmetic, checked against DynamoDB's and AWS's own examples. */
import { describe, expect, it } from 'vitest';
import { billedMs, costFigures, PRICES, requestCost } from '../../bench/cost-model.ts';
import { itemSize, readUnitsOf, valueSize, writeCost, writeUnitsOf } from '../../bench/units.ts';

describe('item size', () => {
  it('counts attribute names and values by DynamoDB rules', () => {
    expect(itemSize({ pk: 'abc' })).toBe(5);
    expect(valueSize(true)).toBe(1);
    expect(valueSize(null)).toBe(1);
    // numbers: one byte per two significant digits, plus one
    expect(valueSize(12345)).toBe(4);
    expect(valueSize(1000)).toBe(2);
    // a list or map: 3 bytes, plus 1 per element (and a map's key names)
    expect(valueSize([])).toBe(3);
    expect(valueSize(['a', 'b'])).toBe(3 + 2 + 2);
    expect(valueSize({ a: 'xy' })).toBe(3 + 1 + 1 + 2);
  });

  it('rounds writes up to 1 KB and reads up to 4 KB', () => {
    expect(writeUnitsOf(1)).toBe(1);
    expect(writeUnitsOf(1024)).toBe(1);
    expect(writeUnitsOf(1025)).toBe(2);
    expect(readUnitsOf(4096)).toBe(1);
    expect(readUnitsOf(4097)).toBe(2);
  });

  it('charges the larger image, doubled in a transaction, plus the index entry', () => {
    const small = { pk: 'p', sk: 's', v: 'x' };
    const big = { ...small, v: 'x'.repeat(1500) };
    expect(writeCost(small, big, false)).toEqual({ table: 2, index: 0 });
    expect(writeCost(big, small, true)).toEqual({ table: 4, index: 0 });
    expect(writeCost(undefined, { ...small, gsi1pk: 'g', gsi1sk: 'k' }, true)).toEqual({
      table: 2,
      index: 1,
    });
    // moving an index key removes the old entry and writes the new one
    expect(
      writeCost({ ...small, gsi1pk: 'g', gsi1sk: 'a' }, { ...small, gsi1pk: 'g', gsi1sk: 'b' }, false),
    ).toEqual({ table: 1, index: 2 });
  });
});

describe('cost model', () => {
  const post = { readUnits: 1, writeUnits: 6, calls: 2, cpuMs: 3.2 };
  it('prices one request: HTTP API, Lambda requests and GB-seconds, request units', () => {
    expect(billedMs(post)).toBe(20);
    const c = requestCost(post);
    expect(c.api).toBeCloseTo(1e-6, 12);
    expect(c.dynamoDb).toBeCloseTo(
      (6 * PRICES.dynamoDbWriteUnitsPerMillion + PRICES.dynamoDbReadUnitsPerMillion) / 1e6,
      12,
    );
    expect(c.lambda).toBeCloseTo(0.2e-6 + 0.02 * 0.5 * PRICES.lambdaArm64GbSecond, 12);
    expect(c.total).toBeCloseTo(c.api + c.lambda + c.dynamoDb, 15);
  });

  it('sums a usage profile and compares it with Twilio', () => {
    const read = { readUnits: 2, writeUnits: 0, calls: 1, cpuMs: 1 };
    const f = costFigures({
      textPost: post,
      textEventBytes: 500,
      eventsPage: read,
      session: [read, read],
      answerWebhook: { readUnits: 1, writeUnits: 30, calls: 2, cpuMs: 5 },
      statusWebhook: { readUnits: 1, writeUnits: 12, calls: 2, cpuMs: 3 },
      hangUpWebhook: { readUnits: 1, writeUnits: 12, calls: 2, cpuMs: 3 },
    });
    const perRead = requestCost(read).total;
    const expected =
      100 * requestCost(post).total + (500 * 100 * 0.25) / 1024 ** 3 + 100 * perRead + 30 * 2 * perRead;
    expect(f.perMau.total).toBeCloseTo(expected, 12);
    expect(f.twilioRatio).toBeCloseTo(0.05 / expected, 6);
    expect(f.perMillionMessages.total).toBeGreaterThan(1e6 * requestCost(post).total);
  });
});
