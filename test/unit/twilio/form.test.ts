import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../functions/domain/errors.ts';
import { fieldsOf } from '../../../functions/twilio/http.ts';

describe('Function: fieldsOf', () => {
  it('collects a repeated list parameter in order, one value or many', () => {
    // Act
    const many = fieldsOf('PostWebhookUrl=u&Filters=onMessageAdded&Filters=onParticipantAdded', 'body', [
      'Filters',
    ]);
    const one = fieldsOf('Filters=onMessageAdded', 'body', ['Filters']);

    // Assess
    expect(many).toEqual({ PostWebhookUrl: 'u', Filters: ['onMessageAdded', 'onParticipantAdded'] });
    expect(one).toEqual({ Filters: ['onMessageAdded'] });
  });

  it('still refuses any other parameter given twice, naming it', () => {
    // Act
    const refuse = () => fieldsOf('Filters=a&Method=GET&Method=POST', 'body', ['Filters']);

    // Assess
    expect(refuse).toThrow(DomainError);
    expect(refuse).toThrow(
      expect.objectContaining({ invalidParameters: [expect.objectContaining({ name: 'Method' })] }),
    );
  });
});
