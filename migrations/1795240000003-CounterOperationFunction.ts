import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A loyalty counter operation (a stamp, a stamp reward, a points earning, a
 * points redemption, a void) as one SQL function call: the staff PIN under
 * the store's lockout, the card found and row-locked, the idempotency key's
 * first transaction, the operation's rules, the card's new counters and its
 * ledger row. PL/pgSQL, so that each statement after the card's row lock
 * reads a snapshot taken after it (READ COMMITTED): the ledger rows of the
 * transaction the lock waited for are seen, as they were when these were
 * separate statements. SECURITY INVOKER (the default): it runs as the
 * request's role, under the row-level security policies.
 *
 * The rules it applies are small SQL functions, each the SQL twin of one
 * TypeScript rule (src/services/loyalty/card-rules.ts, staff-pin-rules.ts);
 * test/loyalty/rules-sql.test.ts holds each pair to the same answers row by
 * row. The PIN lockout's constants and the program's settings are arguments,
 * from the TypeScript definitions.
 *
 * What the caller gets is JSON: `outcome` 'done' or 'replay' with the card
 * and its ledger row, or 'refused' with `refusal` (a code), the card when it
 * was found, and what the refusal's message needs. A refusal writes nothing
 * but a wrong PIN's count, which the request's transaction commits.
 */
export class CounterOperationFunction1795240000003 implements MigrationInterface {
  name = 'CounterOperationFunction1795240000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // stampCooldownMinutesLeft: whole minutes, rounded up, before the next stamp; 0: it may now.
    await queryRunner.query(`
      CREATE FUNCTION loyalty_stamp_cooldown_minutes_left(cooldown_minutes int, last_stamp_at timestamptz, now timestamptz)
      RETURNS int LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN last_stamp_at IS NULL THEN 0
                    ELSE greatest(0, ceil(extract(epoch FROM last_stamp_at + cooldown_minutes * interval '1 minute' - now) / 60))::int
               END
      $$`);
    // dailyStampCapReached: today's stamps reach the program's daily maximum.
    await queryRunner.query(`
      CREATE FUNCTION loyalty_daily_stamp_cap_reached(max_daily_stamps int, stamps_today int)
      RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT stamps_today >= max_daily_stamps $$`);
    // stampsUntilReward: stamps still needed for the next reward; NULL when the program gives no stamps.
    await queryRunner.query(`
      CREATE FUNCTION loyalty_stamps_until_reward(is_stamps_enabled boolean, stamps_target int, stamp_count int)
      RETURNS int LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN is_stamps_enabled THEN greatest(0, stamps_target - stamp_count) END
      $$`);
    // redemptionRefusal: why a balance cannot pay a reward (the program's minimum first), NULL when it can.
    await queryRunner.query(`
      CREATE FUNCTION loyalty_redemption_refusal(minimum_redemption_points int, points_required int, points_balance int)
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN points_balance < minimum_redemption_points THEN 'BELOW_MINIMUM_REDEMPTION'
                    WHEN points_balance < points_required THEN 'INSUFFICIENT_POINTS'
               END
      $$`);
    // pointsToVoid: what was asked, never below a zero balance.
    await queryRunner.query(`
      CREATE FUNCTION loyalty_points_to_void(requested int, points_balance int)
      RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT least(requested, points_balance) $$`);
    // judge: a PIN's outcome under the store's lockout, and the lockout to write (writes false: unchanged).
    await queryRunner.query(`
      CREATE FUNCTION loyalty_pin_judge(
        failed_attempts int, locked_until timestamptz, matched boolean, now timestamptz,
        max_attempts int, lock_minutes int,
        OUT outcome text, OUT writes boolean, OUT next_failed_attempts int, OUT next_locked_until timestamptz)
      LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN locked_until > now THEN 'locked' WHEN matched THEN 'match' ELSE 'wrong' END,
               CASE WHEN locked_until > now THEN false
                    WHEN matched THEN failed_attempts > 0 OR locked_until IS NOT NULL
                    ELSE true END,
               CASE WHEN locked_until > now THEN NULL
                    WHEN matched THEN CASE WHEN failed_attempts > 0 OR locked_until IS NOT NULL THEN 0 END
                    WHEN failed_attempts + 1 >= max_attempts THEN 0
                    ELSE failed_attempts + 1 END,
               CASE WHEN locked_until > now OR matched OR failed_attempts + 1 < max_attempts THEN NULL
                    ELSE now + lock_minutes * interval '1 minute' END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION loyalty_counter_operation(
        p_kind text,                 -- STAMP | STAMP_REDEEM | EARN | REDEEM | VOID
        p_key_column text,           -- id | card_number | qr_code_data; NULL: the caller gave no valid key
        p_key text,
        p_merchant_id int,
        p_program_id int,
        p_store_id int,
        p_pin_hash text,             -- NULL: no PIN given
        p_max_pin_attempts int,
        p_pin_lock_minutes int,
        p_idempotency_key text,
        p_now timestamptz,           -- the caller's clock when it sent the call
        p_go boolean,                -- false: the caller refuses whatever the card (answered 'HELD' after the card's checks)
        p_amount int,                -- STAMP_REDEEM: stamps target; EARN: points; REDEEM: reward price; VOID: points asked
        p_limit int,                 -- STAMP: stamps a day; REDEEM: minimum redemption points
        p_cooldown_minutes int,      -- STAMP
        p_purchase_amount_cents int, -- EARN
        p_order_reference text,      -- EARN
        p_reward_id text,            -- REDEEM
        p_reason text,               -- STAMP_REDEEM, REDEEM, VOID
        p_earning_id int             -- VOID of an earning (then p_amount is NULL)
      ) RETURNS json LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_now timestamptz;
        v_lockout staff_pin_lockouts;
        v_pin staff_pins;
        v_judged record;
        v_card loyalty_cards;
        v_row loyalty_transactions;
        v_count int;
        v_earning record;
        v_refusal text;
        v_stamps int := 0;
        v_points int := 0;
        v_type loyalty_transaction_type;
      BEGIN
        IF p_pin_hash IS NOT NULL THEN
          SELECT p.* INTO v_pin FROM staff_pins p
           WHERE p.program_id = p_program_id AND p.pin_hash = p_pin_hash AND p.is_active
             AND (p.store_id IS NULL OR p.store_id = p_store_id);
          -- Unlocked first: a lockout in force, or the right PIN with nothing to forget, writes nothing.
          SELECT l.* INTO v_lockout FROM staff_pin_lockouts l WHERE l.program_id = p_program_id AND l.store_id = p_store_id;
          SELECT * INTO v_judged FROM loyalty_pin_judge(coalesce(v_lockout.failed_attempts, 0), v_lockout.locked_until,
                                                        v_pin.id IS NOT NULL, p_now, p_max_pin_attempts, p_pin_lock_minutes);
          IF v_lockout.id IS NULL OR v_judged.writes THEN
            -- Anything to write is decided again under the lockout row's lock (the store's first PIN makes it).
            IF v_lockout.id IS NULL THEN
              INSERT INTO staff_pin_lockouts (program_id, store_id) VALUES (p_program_id, p_store_id)
                  ON CONFLICT (program_id, store_id) DO NOTHING;
            END IF;
            SELECT l.* INTO v_lockout FROM staff_pin_lockouts l
             WHERE l.program_id = p_program_id AND l.store_id = p_store_id FOR UPDATE;
            SELECT * INTO v_judged FROM loyalty_pin_judge(v_lockout.failed_attempts, v_lockout.locked_until,
                                                          v_pin.id IS NOT NULL, p_now, p_max_pin_attempts, p_pin_lock_minutes);
            IF v_judged.writes THEN
              UPDATE staff_pin_lockouts SET failed_attempts = v_judged.next_failed_attempts,
                     locked_until = v_judged.next_locked_until, updated_at = CURRENT_TIMESTAMP
               WHERE id = v_lockout.id;
            END IF;
          END IF;
          IF v_judged.outcome = 'locked' THEN
            RETURN json_build_object('outcome', 'refused', 'refusal', 'STAFF_PIN_LOCKED', 'locked_until', v_lockout.locked_until);
          ELSIF v_judged.outcome = 'wrong' THEN
            RETURN json_build_object('outcome', 'refused', 'refusal', 'INVALID_STAFF_PIN');
          END IF;
        END IF;

        -- The card: live, of the merchant, row-locked for the change.
        IF p_key_column = 'id' THEN
          SELECT c.* INTO v_card FROM loyalty_cards c
           WHERE c.id = p_key::int AND c.deleted_at IS NULL AND c.merchant_id = p_merchant_id FOR UPDATE OF c;
        ELSIF p_key_column = 'card_number' THEN
          SELECT c.* INTO v_card FROM loyalty_cards c
           WHERE c.card_number = p_key AND c.deleted_at IS NULL AND c.merchant_id = p_merchant_id FOR UPDATE OF c;
        ELSIF p_key_column = 'qr_code_data' THEN
          SELECT c.* INTO v_card FROM loyalty_cards c
           WHERE c.qr_code_data = p_key AND c.deleted_at IS NULL AND c.merchant_id = p_merchant_id FOR UPDATE OF c;
        END IF;
        -- The rules applied are the program's: a card of another (deleted) program is not served.
        IF v_card.id IS NULL OR v_card.program_id <> p_program_id THEN
          RETURN json_build_object('outcome', 'refused', 'refusal', 'NO_CARD');
        END IF;
        -- The operation's time: the caller's clock, moved on by the wait for the lock; milliseconds, as the caller's.
        v_now := date_trunc('milliseconds', p_now + (clock_timestamp() - statement_timestamp()));

        IF p_idempotency_key IS NOT NULL THEN
          SELECT t.* INTO v_row FROM loyalty_transactions t
           WHERE t.card_id = v_card.id AND t.idempotency_key = p_idempotency_key;
          IF v_row.id IS NOT NULL THEN
            RETURN json_build_object('outcome', 'replay', 'card', to_json(v_card), 'transaction', to_json(v_row));
          END IF;
        END IF;
        IF NOT v_card.is_active THEN
          RETURN json_build_object('outcome', 'refused', 'refusal', 'CARD_INACTIVE', 'card', to_json(v_card));
        END IF;
        IF NOT p_go THEN
          RETURN json_build_object('outcome', 'refused', 'refusal', 'HELD', 'card', to_json(v_card));
        END IF;

        IF p_kind = 'STAMP' THEN
          v_count := loyalty_stamp_cooldown_minutes_left(p_cooldown_minutes, v_card.last_stamp_at, v_now);
          IF v_count > 0 THEN
            RETURN json_build_object('outcome', 'refused', 'refusal', 'COOLDOWN_ACTIVE', 'card', to_json(v_card), 'wait', v_count);
          END IF;
          -- Stamps given to the card since the start of today in the merchant's time zone.
          SELECT count(*)::int INTO v_count FROM loyalty_transactions t, merchants m
           WHERE m.id = v_card.merchant_id AND t.card_id = v_card.id AND t.type = 'STAMP_EARNED'
             AND t.created_at >= date_trunc('day', v_now AT TIME ZONE m.time_zone) AT TIME ZONE m.time_zone;
          IF loyalty_daily_stamp_cap_reached(p_limit, v_count) THEN
            RETURN json_build_object('outcome', 'refused', 'refusal', 'DAILY_STAMP_LIMIT_REACHED', 'card', to_json(v_card));
          END IF;
          v_type := 'STAMP_EARNED';
          v_stamps := 1;
        ELSIF p_kind = 'STAMP_REDEEM' THEN
          IF loyalty_stamps_until_reward(true, p_amount, v_card.stamp_count) > 0 THEN
            RETURN json_build_object('outcome', 'refused', 'refusal', 'INSUFFICIENT_STAMPS', 'card', to_json(v_card));
          END IF;
          v_type := 'STAMP_REWARD_REDEEMED';
          v_stamps := -p_amount;
        ELSIF p_kind = 'EARN' THEN
          v_type := 'POINTS_EARNED';
          v_points := p_amount;
        ELSIF p_kind = 'REDEEM' THEN
          v_refusal := loyalty_redemption_refusal(p_limit, p_amount, v_card.points_balance);
          IF v_refusal IS NOT NULL THEN
            RETURN json_build_object('outcome', 'refused', 'refusal', v_refusal, 'card', to_json(v_card));
          END IF;
          v_type := 'POINTS_REDEEMED';
          v_points := -p_amount;
        ELSIF p_kind = 'VOID' THEN
          v_count := p_amount;
          IF p_earning_id IS NOT NULL THEN
            SELECT t.type, t.points_delta,
                   EXISTS (SELECT 1 FROM loyalty_transactions v
                            WHERE v.related_transaction_id = t.id AND v.type = 'POINTS_VOIDED') AS voided
              INTO v_earning
              FROM loyalty_transactions t WHERE t.id = p_earning_id AND t.card_id = v_card.id;
            IF v_earning.type IS DISTINCT FROM 'POINTS_EARNED' THEN
              RETURN json_build_object('outcome', 'refused', 'refusal', 'EARNING_NOT_FOUND', 'card', to_json(v_card));
            END IF;
            IF v_earning.voided THEN
              RETURN json_build_object('outcome', 'refused', 'refusal', 'EARNING_VOIDED', 'card', to_json(v_card));
            END IF;
            v_count := v_earning.points_delta;
          END IF;
          v_type := 'POINTS_VOIDED';
          v_points := -loyalty_points_to_void(v_count, v_card.points_balance);
        ELSE
          RAISE EXCEPTION 'unknown counter operation %', p_kind;
        END IF;

        UPDATE loyalty_cards c
           SET stamp_count = c.stamp_count + v_stamps,
               total_stamps_earned = c.total_stamps_earned + CASE WHEN p_kind = 'STAMP' THEN v_stamps ELSE 0 END,
               stamps_redeemed = c.stamps_redeemed + CASE WHEN p_kind = 'STAMP_REDEEM' THEN 1 ELSE 0 END,
               points_balance = c.points_balance + v_points,
               total_points_earned = c.total_points_earned + CASE WHEN p_kind = 'EARN' THEN v_points ELSE 0 END,
               points_redeemed = c.points_redeemed - CASE WHEN p_kind = 'REDEEM' THEN v_points ELSE 0 END,
               total_points_voided = c.total_points_voided - CASE WHEN p_kind = 'VOID' THEN v_points ELSE 0 END,
               last_stamp_at = CASE WHEN p_kind = 'STAMP' THEN v_now ELSE c.last_stamp_at END,
               last_points_at = CASE WHEN p_kind = 'EARN' THEN v_now ELSE c.last_points_at END,
               last_redemption_at = CASE WHEN p_kind IN ('STAMP_REDEEM', 'REDEEM') THEN v_now ELSE c.last_redemption_at END,
               last_activity_at = v_now,
               updated_at = CURRENT_TIMESTAMP
         WHERE c.id = v_card.id
        RETURNING c.* INTO v_card;
        INSERT INTO loyalty_transactions AS t
               (card_id, store_id, staff_pin_id, staff_name, type, stamps_delta, points_delta, stamps_after, points_after,
                purchase_amount_cents, order_reference, reward_id, reason, related_transaction_id, idempotency_key, created_at)
        VALUES (v_card.id, p_store_id, v_pin.id, v_pin.staff_name, v_type, v_stamps, v_points, v_card.stamp_count,
                v_card.points_balance,
                CASE WHEN p_kind = 'EARN' THEN p_purchase_amount_cents END,
                CASE WHEN p_kind = 'EARN' THEN p_order_reference END,
                CASE WHEN p_kind = 'REDEEM' THEN p_reward_id END,
                CASE WHEN p_kind IN ('STAMP_REDEEM', 'REDEEM', 'VOID') THEN p_reason END,
                CASE WHEN p_kind = 'VOID' THEN p_earning_id END,
                p_idempotency_key, v_now)
        RETURNING t.* INTO v_row;
        RETURN json_build_object('outcome', 'done', 'card', to_json(v_card), 'transaction', to_json(v_row));
      END
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION loyalty_counter_operation(text, text, text, int, int, int, text, int, int, text, timestamptz, boolean,
                                               int, int, int, int, text, text, text, int)`,
    );
    await queryRunner.query(`DROP FUNCTION loyalty_pin_judge(int, timestamptz, boolean, timestamptz, int, int)`);
    await queryRunner.query(`DROP FUNCTION loyalty_points_to_void(int, int)`);
    await queryRunner.query(`DROP FUNCTION loyalty_redemption_refusal(int, int, int)`);
    await queryRunner.query(`DROP FUNCTION loyalty_stamps_until_reward(boolean, int, int)`);
    await queryRunner.query(`DROP FUNCTION loyalty_daily_stamp_cap_reached(int, int)`);
    await queryRunner.query(`DROP FUNCTION loyalty_stamp_cooldown_minutes_left(int, timestamptz, timestamptz)`);
  }
}
