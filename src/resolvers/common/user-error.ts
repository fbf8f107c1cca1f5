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

/** The one mapping from a domain refusal to `userErrors`: a DomainError's; null for anything else, which propagates. */
export function userErrorsOf(error: unknown): UserError[] | null {
  return error instanceof DomainError
    ? [{ code: error.code, message: error.message, field: error.field ?? null }]
    : null;
}

/** Runs the service call of a mutation and turns a thrown DomainError into its payload's `userErrors`. */
export async function payload<T extends object>(run: () => Promise<T>): Promise<T & { userErrors: UserError[] }> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (error) {
    const userErrors = userErrorsOf(error);
    if (userErrors) return { userErrors } as T & { userErrors: UserError[] };
    throw error;
  }
}
