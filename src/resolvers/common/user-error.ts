import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DomainError, UserErrorCode } from '../../common/errors';

registerEnumType(UserErrorCode, { name: 'UserErrorCode', description: 'Why a mutation refused' });

@ObjectType({ simpleResolvers: true, description: 'A business rule refused the mutation; nothing was written' })
export class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field(() => String)
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault' })
  field?: string[] | null;
}

/** Every payload type extends this. */
@ObjectType({ simpleResolvers: true })
export abstract class Payload {
  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

/**
 * The one mapping from domain refusals to payloads: runs the service call and
 * turns a thrown DomainError into `userErrors`; anything else propagates.
 */
export async function payload<T extends object>(run: () => Promise<T>): Promise<T & { userErrors: UserError[] }> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (error) {
    if (error instanceof DomainError) {
      return { userErrors: [{ code: error.code, message: error.message, field: error.field ?? null }] } as T & {
        userErrors: UserError[];
      };
    }
    throw error;
  }
}
