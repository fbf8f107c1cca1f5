/** Codes of business-rule refusals; they reach clients as `userErrors[].code`. */
export enum UserErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  LIMIT_REACHED = 'LIMIT_REACHED',
  FEATURE_NOT_AVAILABLE = 'FEATURE_NOT_AVAILABLE',
  SUBSCRIPTION_INACTIVE = 'SUBSCRIPTION_INACTIVE',
  NOT_ON_PLATFORM = 'NOT_ON_PLATFORM',
  COOLDOWN_ACTIVE = 'COOLDOWN_ACTIVE',
  DAILY_STAMP_LIMIT_REACHED = 'DAILY_STAMP_LIMIT_REACHED',
  INSUFFICIENT_STAMPS = 'INSUFFICIENT_STAMPS',
  INSUFFICIENT_POINTS = 'INSUFFICIENT_POINTS',
  BELOW_MINIMUM_REDEMPTION = 'BELOW_MINIMUM_REDEMPTION',
  BELOW_MINIMUM_PURCHASE = 'BELOW_MINIMUM_PURCHASE',
  UNKNOWN_REWARD = 'UNKNOWN_REWARD',
  STAFF_PIN_REQUIRED = 'STAFF_PIN_REQUIRED',
  INVALID_STAFF_PIN = 'INVALID_STAFF_PIN',
  STAFF_PIN_LOCKED = 'STAFF_PIN_LOCKED',
  PROGRAM_INACTIVE = 'PROGRAM_INACTIVE',
  CARD_INACTIVE = 'CARD_INACTIVE',
  ALREADY_ENROLLED = 'ALREADY_ENROLLED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_STATE = 'INVALID_STATE',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
}

/**
 * An expected refusal of a business rule. Services throw it (inside their
 * transaction, so nothing is written); resolvers turn it into `userErrors`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field?: string[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, field?: string[]): DomainError =>
  new DomainError(UserErrorCode.NOT_FOUND, `${what} not found`, field);

/** PostgreSQL unique_violation, for turning a lost race on a unique index into ALREADY_EXISTS. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

/** The caller's role may not do this at all (top-level FORBIDDEN, unlike an out-of-scope NOT_FOUND). */
export class AccessDeniedError extends Error {
  constructor(message = 'Your role may not do this') {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** Input that passed the schema but is still malformed (e.g. a cursor that is not ours): top-level BAD_USER_INPUT. */
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
