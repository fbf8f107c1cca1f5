import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';

/**
 * How every GraphQL argument is validated (type-graphql's `validateFn`):
 * class-validator's decorators on input and args classes, as type-graphql's
 * own validation runs them, with class-validator imported once rather than
 * required on every call, and without echoing the offending value or object
 * in the error. Scalars pass through; arrays are checked item by item.
 */
const OPTIONS: ValidatorOptions = {
  skipMissingProperties: true,
  forbidUnknownValues: false,
  validationError: { target: false, value: false },
};

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

export async function validateArgument(value: unknown): Promise<void> {
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isObject).map((item) => validateOrReject(item, OPTIONS)));
    else if (isObject(value)) await validateOrReject(value, OPTIONS);
  } catch (error) {
    throw new ArgumentValidationError(error as ValidationError[]);
  }
}
