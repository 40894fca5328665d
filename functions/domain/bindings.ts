/**
 * Address bindings: a member reached at a real-world `address` (a phone number, a WhatsApp id) through one
 * of the application's own addresses (`proxyAddress`: the number it texts from). One pair may be bound in
 * one live conversation at a time, as Twilio Conversations rules it, so that an inbound text from
 * `address` to `proxyAddress` has exactly one conversation to go to.
 */
import { type Conversation, isGone } from './conversations.ts';
import { DomainError } from './errors.ts';
import { isLive, type Member } from './members.ts';

export interface Binding {
  address: string;
  proxyAddress: string;
}

/** The member that holds a binding, as its claim records it. */
export interface BindingOwner {
  conversationId: string;
  memberId: string;
}

/** What adding a bound member writes besides the member: the claim, replacing `previous` (if any). */
export interface BindingClaim {
  binding: Binding;
  previous?: BindingOwner;
}

/** The pair is bound in another live conversation; `conversationId` names it. */
export class BindingInUseError extends DomainError {
  constructor(
    readonly binding: Binding,
    readonly conversationId: string,
  ) {
    super(
      'conversation:error:binding-in-use',
      `A member with address ${binding.address} and proxy address ${binding.proxyAddress} already takes part in conversation ${conversationId}.`,
    );
  }
}

/**
 * Whether a claim still holds: its conversation exists, is ACTIVE, and its member is INVITED or JOINED.
 * A claim whose member left, or whose conversation ended or was deleted, is free to be taken over.
 */
export const claimHolds = (
  conversation: Conversation | undefined,
  member: Pick<Member, 'state'> | undefined,
  now: string,
): boolean =>
  conversation !== undefined &&
  !isGone(conversation, now) &&
  conversation.state === 'ACTIVE' &&
  member !== undefined &&
  isLive(member);

/** The channel of a member reached by text at `address` through `proxyAddress`. */
export const boundChannel = (binding: Binding) => ({
  type: 'sms',
  from: { type: 'sms', number: binding.address },
  to: { type: 'sms', number: binding.proxyAddress },
});

/** The binding of a member's channel, when it is one `boundChannel` made. */
export const bindingOf = (member: Pick<Member, 'channel'>): Binding | undefined => {
  const { channel } = member;
  const address = channel.from?.number;
  const proxyAddress = channel.to?.number;
  return channel.type === 'sms' && typeof address === 'string' && typeof proxyAddress === 'string'
    ? { address, proxyAddress }
    : undefined;
};

/**
 * The user a bound member belongs to: one per address, named after it, since Parley's members all have a
 * user. The prefix keeps it apart from chat identities.
 */
export const addressUserName = (address: string): string => `address:${address}`;

/** The address an address user (`addressUserName`) stands for, or undefined for any other user. */
export const addressOfUserName = (name: string): string | undefined =>
  name.startsWith('address:') ? name.slice('address:'.length) : undefined;
