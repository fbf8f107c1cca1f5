import {
  ArrayMaxSize,
  ArrayUnique,
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { GraphQLHexColorCode, GraphQLNonNegativeInt, GraphQLPositiveInt, GraphQLURL } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';

import { LoyaltyType } from '../../../entities/loyalty/enums';
import { LoyaltyCard } from '../../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../../entities/loyalty/loyalty-transaction.entity';
import { StaffPin } from '../../../entities/loyalty/staff-pin.entity';
import { ConnectionArgs, ConnectionType } from '../../common/connection';
import { Payload } from '../../common/user-error';

/** Six-digit or three-digit hex colours only: the columns hold 7 characters, so no alpha forms. */
const COLOR = /^#(?:[0-9a-f]{3}){1,2}$/i;
const COLOR_MESSAGE = '$property must be #RGB or #RRGGBB';

/** An http(s) URL (the URL scalar also accepts javascript: and others) of at most 500 characters. */
function IsWebUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebUrl',
      validator: {
        validate: (value: unknown) =>
          value instanceof URL &&
          (value.protocol === 'https:' || value.protocol === 'http:') &&
          value.href.length <= 500,
        defaultMessage: () => '$property must be an http or https URL of at most 500 characters',
      },
    },
    options,
  );
}

@InputType({ description: 'A reward of the points catalogue' })
export class PointsRewardInput {
  @Field(() => String, { description: 'Unique within the catalogue; counter operations name the reward by it' })
  @Length(1, 50)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'id must be letters, digits, _ or -' })
  id!: string;

  @Field(() => String)
  @Length(1, 100)
  name!: string;

  @Field(() => GraphQLPositiveInt)
  @Max(10_000_000)
  pointsRequired!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  description?: string | null;
}

/**
 * Every configurable field of a program. On create an absent or null field
 * takes the default; on update an absent field stays, null clears a nullable
 * field and leaves a required one unchanged.
 */
@InputType()
abstract class LoyaltyProgramFields {
  @Field(() => GraphQLPositiveInt, { nullable: true, description: 'Stamps for a reward (default 10, at most 1000)' })
  @IsOptional()
  @Max(1000)
  stampsTarget?: number | null;

  @Field(() => String, { nullable: true, description: 'Default "Free item"' })
  @IsOptional()
  @Length(1, 255)
  stampsRewardDescription?: string | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true })
  @IsOptional()
  @Max(100_000_000)
  stampsRewardValueCents?: number | null;

  @Field(() => GraphQLPositiveInt, { nullable: true, description: 'Points per whole euro (default 1, at most 1000)' })
  @IsOptional()
  @Max(1000)
  pointsPerEuro?: number | null;

  @Field(() => [PointsRewardInput], { nullable: true, description: 'Replaces the whole catalogue; ids unique' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ArrayUnique((reward: PointsRewardInput) => reward.id, { message: 'pointsRewards ids must be unique' })
  @ValidateNested({ each: true })
  pointsRewards?: PointsRewardInput[] | null;

  @Field(() => GraphQLPositiveInt, {
    nullable: true,
    description: 'Days without activity before points expire; null = never (at most 3650)',
  })
  @IsOptional()
  @Max(3650)
  pointsExpirationDays?: number | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true, description: 'Default 0' })
  @IsOptional()
  @Max(10_000_000)
  welcomeBonusPoints?: number | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true, description: 'Default 100' })
  @IsOptional()
  @Max(10_000_000)
  minimumRedemptionPoints?: number | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true, description: 'Cents; default 0 (no minimum)' })
  @IsOptional()
  @Max(100_000_000)
  minimumPurchaseCents?: number | null;

  @Field(() => GraphQLNonNegativeInt, {
    nullable: true,
    description: 'Minutes between stamps on a card (default 15, at most 10080)',
  })
  @IsOptional()
  @Max(10_080)
  cooldownMinutes?: number | null;

  @Field(() => GraphQLPositiveInt, { nullable: true, description: 'Stamps per card per day (default 5, at most 1000)' })
  @IsOptional()
  @Max(1000)
  maxDailyStamps?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true' })
  requireStaffPin?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  cardName?: string | null;

  @Field(() => GraphQLHexColorCode, { nullable: true, description: 'Default #4F46E5' })
  @IsOptional()
  @Matches(COLOR, { message: COLOR_MESSAGE })
  cardColor?: string | null;

  @Field(() => GraphQLHexColorCode, { nullable: true })
  @IsOptional()
  @Matches(COLOR, { message: COLOR_MESSAGE })
  cardSecondaryColor?: string | null;

  @Field(() => GraphQLURL, { nullable: true })
  @IsOptional()
  @IsWebUrl()
  logoUrl?: URL | null;

  @Field(() => GraphQLURL, { nullable: true })
  @IsOptional()
  @IsWebUrl()
  heroImageUrl?: URL | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  googleIssuerId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  googleClassId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  applePassTypeId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20_000)
  termsText?: string | null;

  @Field(() => GraphQLURL, { nullable: true })
  @IsOptional()
  @IsWebUrl()
  privacyUrl?: URL | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true; the first activation sets activatedAt' })
  isActive?: boolean | null;
}

@InputType()
export class CreateLoyaltyProgramInput extends LoyaltyProgramFields {
  @Field(() => ID)
  merchantId!: string;

  @Field(() => LoyaltyType)
  loyaltyType!: LoyaltyType;
}

@InputType({ description: 'Only the given fields change; null clears a nullable field' })
export class UpdateLoyaltyProgramInput extends LoyaltyProgramFields {
  @Field(() => ID)
  id!: string;

  @Field(() => LoyaltyType, { nullable: true })
  loyaltyType?: LoyaltyType | null;
}

@ObjectType({ simpleResolvers: true })
export class LoyaltyProgramPayload extends Payload {
  @Field(() => LoyaltyProgram, { nullable: true })
  program?: LoyaltyProgram;
}

@InputType()
export class CreateStaffPinInput {
  @Field(() => ID)
  programId!: string;

  @Field(() => ID, { nullable: true, description: "A store of the program's merchant; none = valid at every store" })
  storeId?: string | null;

  @Field(() => String)
  @Length(1, 100)
  staffName!: string;

  @Field(() => String, { description: '4 to 8 digits, unique within the program' })
  @Matches(/^[0-9]{4,8}$/, { message: 'pin must be 4 to 8 digits' })
  pin!: string;
}

@ObjectType({ simpleResolvers: true })
export class StaffPinPayload extends Payload {
  @Field(() => StaffPin, { nullable: true })
  staffPin?: StaffPin;
}

@ObjectType({ simpleResolvers: true, description: "Totals over the program's live cards" })
export class LoyaltyProgramStats {
  @Field(() => Int, { description: 'Live cards' })
  members!: number;

  @Field(() => Int, { description: 'Cards with activity in the last 30 days' })
  activeCards30d!: number;

  @Field(() => Int, { description: 'Stamps earned, lifetime' })
  stampsIssued!: number;

  @Field(() => Int, { description: 'Stamp rewards redeemed, lifetime' })
  stampsRedeemed!: number;

  @Field(() => Int, { description: 'Points earned (welcome bonuses included), lifetime' })
  pointsIssued!: number;

  @Field(() => Int, { description: 'Points spent on rewards, lifetime' })
  pointsRedeemed!: number;

  @Field(() => Int, { description: 'Points removed by returns and expiry, lifetime' })
  pointsVoided!: number;
}

@ArgsType()
export class LoyaltyCardsArgs extends ConnectionArgs {
  @Field(() => String, {
    nullable: true,
    description: "A card number (exactly) or a customer's email (any case)",
  })
  @IsOptional()
  @MaxLength(255)
  search?: string | null;
}

@ArgsType()
export class LoyaltyCardLookupArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20)
  cardNumber?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(50)
  qrCodeData?: string | null;
}

export const LoyaltyCardConnection = ConnectionType(LoyaltyCard);
export const LoyaltyTransactionConnection = ConnectionType(LoyaltyTransaction);
