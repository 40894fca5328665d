/**
 * Members added the way Twilio Conversations adds participants: a chat member by its user's name, the user
 * made on first use; a member reached at an address through a proxy address, one live conversation per
 * pair (functions/domain/bindings.ts). Both end in `addMember`'s own rules.
 */
import { addressUserName, type Binding, BindingInUseError, boundChannel, claimHolds } from '../bindings.ts';
import { DomainError, notFound } from '../errors.ts';
import { memberExistsError } from '../members.ts';
import type { Deps, ExtensionPorts } from '../ports.ts';
import { retry } from '../retry.ts';
import type { Actor } from '../timeline-context.ts';
import { buildUser, type User } from '../users.ts';
import { readVisible } from './conversations.ts';
import { addMember, addMemberOnce, type MemberView } from './members.ts';

/** The ports only the Twilio root wires; a root without them cannot run these use-cases. */
export const extensionsOf = (deps: Deps): ExtensionPorts => {
  if (!deps.ports.extensions) throw new Error('these use-cases need the extension ports');
  return deps.ports.extensions;
};

/** The user of this name, created when there is none yet (two requests racing to create it get the same). */
export const ensureUser = async (deps: Deps, name: string): Promise<User> => {
  const { users } = deps.ports;
  const existing = await users.getByName(name);
  if (existing) return existing;
  const user = buildUser({ name }, deps.now());
  try {
    await users.create(user);
    return user;
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'user:error:duplicate-name')) throw error;
    const winner = await users.getByName(name);
    if (!winner) throw error;
    return winner;
  }
};

/**
 * A JOINED in-app member for the user named `identity`, made on first use. The conversation is checked
 * first, so a request refused for it creates no user.
 */
export const addMemberByName = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  identity: string,
): Promise<MemberView> => {
  await readVisible(deps, actor, conversationId);
  const user = await ensureUser(deps, identity);
  return addMember(deps, actor, conversationId, {
    state: 'joined',
    user: { id: user.id },
    channel: { type: 'app' },
  });
};

/**
 * A JOINED member reached at `binding.address` through `binding.proxyAddress`. Refused with
 * `BindingInUseError` (naming the conversation) while another live conversation holds the pair; a claim
 * whose member left or whose conversation ended is taken over, in the member's own transaction.
 */
export const addBoundMember = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  binding: Binding,
): Promise<MemberView> => {
  const extensions = extensionsOf(deps);
  await readVisible(deps, actor, conversationId);
  const user = await ensureUser(deps, addressUserName(binding.address));
  return retry(async () => {
    const previous = await extensions.bindingOwner(binding);
    if (previous) {
      const held = await deps.ports.context.load({
        conversationId: previous.conversationId,
        memberId: previous.memberId,
      });
      if (claimHolds(held.conversation, held.member, deps.now())) {
        if (previous.conversationId === conversationId) throw memberExistsError('JOINED');
        throw new BindingInUseError(binding, previous.conversationId);
      }
    }
    return addMemberOnce(
      deps,
      actor,
      conversationId,
      { state: 'joined', user: { id: user.id }, channel: boundChannel(binding) },
      { binding, previous },
    );
  });
};

/** The conversation whose unique name is `name`, for a caller who may see it; else not found. */
export const conversationIdByName = async (deps: Deps, actor: Actor, name: string): Promise<string> => {
  const id = await extensionsOf(deps).conversationIdByName(name);
  if (!id) throw notFound.conversation();
  await readVisible(deps, actor, id);
  return id;
};

/** The current member of the user named `name` in a conversation the caller may see; else not found. */
export const getMemberByName = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  name: string,
): Promise<MemberView> => {
  const user = await deps.ports.users.getByName(name);
  const { ctx, conversation } = await readVisible(deps, actor, conversationId, { userId: user?.id });
  if (!user || !ctx.userMember) throw notFound.member();
  return { member: ctx.userMember, conversation };
};
