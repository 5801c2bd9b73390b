"""Writes the PostgreSQL server enforces: what a member's own role may insert, update or delete
by hand is what the permission table lets that person do through ecomops, no more.

Revision 0010's policies say *which rows* a role may write; this revision adds, for every table a
role made by ``ecomops db grant`` may write, a ``BEFORE`` trigger that compares the old row with
the new one and refuses (SQLSTATE 42501, "ecomops: …") what the tool would refuse:

- the roster: only people under oneself (never oneself, a peer, or anyone above), only the top
  places or alters the top, no reporting loop, and every change of a person's record comes with
  its history line, written in the same transaction (checked when it commits);
- appraisal sheets: as oneself (or entered for a rater under oneself, with the right to act for
  others), in an open cycle, about someone the rater may rate, in the rater's own position;
  a current flag is only retired, by its rater (or one acting for them), in an open cycle;
  scores only to a sheet written in the same transaction, 0–100 (a CHECK);
- a cycle opens, closes and reopens only as ``cycle`` does: closed by the role's own person,
  with the counts the database makes, and with pending appraisals only by someone who may
  override, with a reason;
- leave: for oneself (or someone under oneself, acting for them), never decided when asked
  for; a request touching a protected day (§3.2 rule 7) is special and pending; only someone
  who may approve leave decides a pending request of someone else, in their own name;
- handover forms, visitors, tasks, task history, the audit trail and the roster's history, by
  the same rules (handover and visitor get row-level security here);
- every time a row records is the server's: the triggers set it from ``clock_timestamp()``
  (the statement's time, not the transaction's), whatever the client sent, unless the database
  keeps a simulated clock (a training database). The time windows of revisions 0010 and 0012's
  policies are therefore dropped (a long transaction would fail them, and the time is now set).

The keeper (the tables' owner) passes every trigger. Nothing happens on SQLite (one file, one
keeper).

Revision ID: 0015
Revises: 0014
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

KEEPER = "(SELECT ecomops_keeper())"
ME = "(SELECT ecomops_me())"
ACT_FOR = "(SELECT ecomops_allowed('act_for_others', NULL))"


def _may(action: str) -> str:
    return f"(SELECT ecomops_allowed('{action}', NULL))"


#: the row written in this very transaction (not a savepoint's): its xmin is ours
THIS_TRANSACTION = "xmin = pg_current_xact_id()::xid"

HELPERS = [
    # refuse one write: insufficient privilege, one line
    """
    CREATE OR REPLACE FUNCTION ecomops_refuse(message text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'ecomops: ' || message;
    END
    $$
    """,
    # the server's time of this statement (UTC, as the tables store it), or NULL when the
    # database keeps a simulated clock (then the client's time stands)
    """
    CREATE OR REPLACE FUNCTION ecomops_clock() RETURNS timestamp LANGUAGE sql VOLATILE AS $$
        SELECT CASE WHEN ecomops_simulated() THEN NULL
                    ELSE clock_timestamp() AT TIME ZONE 'UTC' END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_is_top(person integer) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE((SELECT position_id = ANY (ecomops_tops()) FROM staff
                         WHERE id = person), false)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_reports_to(pos text) RETURNS text
    LANGUAGE sql STABLE AS $$
        SELECT x->>'reports_to' FROM jsonb_array_elements(ecomops_handbook()->'positions') x
        WHERE x->>'id' = pos LIMIT 1
    $$
    """,
    # the department head's position and every one above it (who may approve a visit)
    """
    CREATE OR REPLACE FUNCTION ecomops_leaders() RETURNS text[] LANGUAGE plpgsql STABLE AS $$
    DECLARE
        out text[] := '{}';
        pos text;
    BEGIN
        SELECT x->>'id' INTO pos FROM jsonb_array_elements(ecomops_handbook()->'positions') x
        WHERE (x->>'head')::boolean IS TRUE LIMIT 1;
        WHILE pos IS NOT NULL AND NOT pos = ANY (out) LOOP
            out := out || pos;
            pos := ecomops_reports_to(pos);
        END LOOP;
        RETURN out;
    END
    $$
    """,
    # ecomops.services.permissions.below: ``other`` is under ``boss``
    """
    CREATE OR REPLACE FUNCTION ecomops_below(boss integer, other integer) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
    DECLARE
        b staff%ROWTYPE;
        o staff%ROWTYPE;
        pos text;
        seen text[] := '{}';
    BEGIN
        IF boss IS NULL OR other IS NULL OR boss = other THEN
            RETURN false;
        END IF;
        SELECT * INTO b FROM staff WHERE id = boss;
        SELECT * INTO o FROM staff WHERE id = other;
        IF b.id IS NULL OR o.id IS NULL THEN
            RETURN false;
        END IF;
        IF b.position_id = ANY (ecomops_tops()) THEN
            RETURN NOT o.position_id = ANY (ecomops_tops());
        END IF;
        IF o.manager_id IS NOT NULL AND o.manager_id <> o.id THEN
            RETURN EXISTS (
                WITH RECURSIVE up(id, depth) AS (
                    SELECT o.manager_id, 1
                    UNION ALL
                    SELECT s.manager_id, up.depth + 1
                    FROM staff s JOIN up ON s.id = up.id
                    WHERE s.manager_id IS NOT NULL AND up.depth < 64
                )
                SELECT 1 FROM up WHERE up.id = boss
            );
        END IF;
        pos := ecomops_reports_to(o.position_id);
        WHILE pos IS NOT NULL AND NOT pos = ANY (seen) LOOP
            IF pos = b.position_id THEN
                RETURN true;
            END IF;
            seen := seen || pos;
            pos := ecomops_reports_to(pos);
        END LOOP;
        RETURN false;
    END
    $$
    """,
    # ecomops_allowed for the person ``who`` (not the connected role's): whether a rater
    # named by someone acting for them may rate
    """
    CREATE OR REPLACE FUNCTION ecomops_allowed_for(who integer, action text, subject integer)
    RETURNS boolean LANGUAGE plpgsql STABLE AS $$
    DECLARE
        me staff%ROWTYPE;
        person staff%ROWTYPE;
        entry text;
    BEGIN
        SELECT * INTO me FROM staff WHERE id = who AND active;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
        IF subject IS NOT NULL THEN
            SELECT * INTO person FROM staff WHERE id = subject;
        END IF;
        FOREACH entry IN ARRAY ecomops_permitted(action) LOOP
            IF entry = 'self' THEN
                IF subject = me.id THEN
                    RETURN true;
                END IF;
            ELSIF entry = 'reporting_line' THEN
                IF person.id IS NOT NULL
                   AND me.position_id = ANY (ecomops_raters(person.position_id)) THEN
                    IF me.position_id = ANY (ecomops_tops()) OR person.manager_id IS NULL THEN
                        RETURN true;
                    END IF;
                    IF EXISTS (
                        WITH RECURSIVE up(id, depth) AS (
                            SELECT person.manager_id, 1
                            UNION ALL
                            SELECT s.manager_id, up.depth + 1
                            FROM staff s JOIN up ON s.id = up.id
                            WHERE s.manager_id IS NOT NULL AND up.depth < 64
                        )
                        SELECT 1 FROM up WHERE up.id = me.id
                    ) THEN
                        RETURN true;
                    END IF;
                END IF;
            ELSIF entry IN ('cycle_rater', 'task_owner') THEN
                NULL;
            ELSIF entry = me.position_id THEN
                RETURN true;
            END IF;
        END LOOP;
        RETURN false;
    END
    $$
    """,
    # the working calendar of ecomops.core.calendar as the database knows it: a loaded year's
    # days (calendar_day), else Monday to Friday
    """
    CREATE OR REPLACE FUNCTION ecomops_working(d date) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE((SELECT kind = 'work' FROM calendar_day WHERE day = d),
                        extract(isodow FROM d) < 6)
    $$
    """,
    # whether [first, last] touches a protected day (§3.2 rule 7): a week's plan day (its
    # Monday, or the first working day standing in) or a month's summary day (its last Friday,
    # or the last working day before it)
    """
    CREATE OR REPLACE FUNCTION ecomops_protected(first date, last date) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
    DECLARE
        d date;
        day date;
        monday date;
        month_start date;
        n integer;
    BEGIN
        IF first IS NULL OR last IS NULL OR last < first OR last - first > 400 THEN
            RETURN true;
        END IF;
        FOR monday IN
            SELECT DISTINCT date_trunc('week', g)::date
            FROM generate_series(first, last, interval '1 day') g
        LOOP
            day := monday;
            n := 0;
            WHILE NOT ecomops_working(day) AND n < 60 LOOP
                day := day + 1;
                n := n + 1;
            END LOOP;
            IF day BETWEEN first AND last THEN
                RETURN true;
            END IF;
        END LOOP;
        FOR month_start IN
            SELECT DISTINCT date_trunc('month', g)::date
            FROM generate_series(first, last, interval '1 day') g
        LOOP
            d := (month_start + interval '1 month' - interval '1 day')::date;
            day := d - ((extract(isodow FROM d)::integer - 5 + 7) % 7);
            n := 0;
            WHILE NOT ecomops_working(day) AND n < 60 LOOP
                day := day - 1;
                n := n + 1;
            END LOOP;
            IF day BETWEEN first AND last THEN
                RETURN true;
            END IF;
        END LOOP;
        RETURN false;
    END
    $$
    """,
    # a cycle's members and complete appraisals (ecomops.services.appraisal.state.progress),
    # counted over every sheet: a closer's role does not read them all
    """
    CREATE OR REPLACE FUNCTION ecomops_cycle_progress(cid text, OUT members integer,
                                                      OUT complete integer)
    LANGUAGE sql STABLE SECURITY DEFINER AS $$
        WITH rated AS (
            SELECT x->>'id' AS pos, ARRAY(SELECT DISTINCT unnest(ecomops_raters(x->>'id')))
                AS raters
            FROM jsonb_array_elements(ecomops_handbook()->'positions') x
            WHERE x->>'rubric' IS NOT NULL
        ), m AS (
            SELECT cm.staff_id, r.raters,
                   (SELECT count(*) FROM sheet s WHERE s.cycle_id = cid
                       AND s.employee_id = cm.staff_id AND s.is_current) AS any_sheet,
                   (SELECT count(DISTINCT s.rater_position_id) FROM sheet s
                     WHERE s.cycle_id = cid AND s.employee_id = cm.staff_id AND s.is_current
                       AND s.rater_position_id = ANY (r.raters)) AS have
            FROM cycle_member cm JOIN rated r ON r.pos = cm.position_id
            WHERE cm.cycle_id = cid
        )
        SELECT count(*)::integer,
               (count(*) FILTER (WHERE any_sheet > 0 AND have = cardinality(raters)))::integer
        FROM m
    $$
    """,
    # the caller acts for ``person``: is them, or may act for others and has them under them
    """
    CREATE OR REPLACE FUNCTION ecomops_acts_for(person integer) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE(person = ecomops_me(), false)
            OR (ecomops_allowed('act_for_others', NULL) AND ecomops_below(ecomops_me(), person))
    $$
    """,
]

#: table -> the body of its BEFORE trigger (after the keeper's pass and ``me``, ``now_``)
GUARDS: dict[str, str] = {
    "staff": """
        IF NOT ecomops_allowed('manage_staff', NULL) THEN
            PERFORM ecomops_refuse('this role may not manage staff');
        END IF;
        IF TG_OP = 'INSERT' THEN
            IF NEW.position_id = ANY (ecomops_tops()) AND NOT ecomops_is_top(me) THEN
                PERFORM ecomops_refuse('only the top places someone at the top');
            END IF;
            IF NOT NEW.active OR NEW.deactivated_at IS NOT NULL OR NEW.left_on IS NOT NULL THEN
                PERFORM ecomops_refuse('a person is added active');
            END IF;
            NEW.created_at := COALESCE(now_, NEW.created_at);
            RETURN NEW;
        END IF;
        IF OLD.id = me OR NOT ecomops_below(me, OLD.id) THEN
            PERFORM ecomops_refuse('one changes only the records of people under oneself');
        END IF;
        IF NEW.id <> OLD.id OR NEW.name <> OLD.name OR NEW.name_key <> OLD.name_key
           OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
            PERFORM ecomops_refuse('a person''s name and creation are not changed');
        END IF;
        IF NEW.position_id IS DISTINCT FROM OLD.position_id
           AND NEW.position_id = ANY (ecomops_tops()) AND NOT ecomops_is_top(me) THEN
            PERFORM ecomops_refuse('only the top places someone at the top');
        END IF;
        IF NEW.manager_id IS DISTINCT FROM OLD.manager_id AND NEW.manager_id IS NOT NULL THEN
            IF NEW.manager_id = NEW.id OR EXISTS (
                WITH RECURSIVE up(id, depth) AS (
                    SELECT NEW.manager_id, 1
                    UNION ALL
                    SELECT s.manager_id, up.depth + 1
                    FROM staff s JOIN up ON s.id = up.id
                    WHERE s.manager_id IS NOT NULL AND up.depth < 64
                )
                SELECT 1 FROM up WHERE up.id = NEW.id
            ) THEN
                PERFORM ecomops_refuse('a reporting loop');
            END IF;
        END IF;
        IF NEW.active IS DISTINCT FROM OLD.active THEN
            IF NEW.active THEN
                NEW.deactivated_at := NULL;
            ELSE
                NEW.deactivated_at := COALESCE(now_, NEW.deactivated_at);
            END IF;
        ELSIF NEW.deactivated_at IS DISTINCT FROM OLD.deactivated_at THEN
            PERFORM ecomops_refuse('deactivated_at follows active');
        END IF;
        RETURN NEW;
    """,
    "staff_change": """
        IF NOT ecomops_below(me, NEW.staff_id) AND NOT EXISTS (
            SELECT 1 FROM staff s WHERE s.id = NEW.staff_id AND s.xmin = pg_current_xact_id()::xid
        ) THEN
            PERFORM ecomops_refuse('a history line only for someone under oneself');
        END IF;
        NEW.recorded_at := COALESCE(now_, NEW.recorded_at);
        RETURN NEW;
    """,
    "sheet": """
        IF (SELECT status FROM cycle WHERE id = COALESCE(NEW.cycle_id, OLD.cycle_id))
           IS DISTINCT FROM 'open' THEN
            PERFORM ecomops_refuse('the cycle is not open');
        END IF;
        IF TG_OP = 'UPDATE' THEN
            IF NEW.id <> OLD.id OR NEW.cycle_id <> OLD.cycle_id
               OR NEW.employee_id <> OLD.employee_id OR NEW.rater_id <> OLD.rater_id
               OR NEW.version <> OLD.version THEN
                PERFORM ecomops_refuse('a sheet is never rewritten');
            END IF;
            IF NEW.is_current AND NOT OLD.is_current THEN
                PERFORM ecomops_refuse('an old version does not become current again');
            END IF;
            IF OLD.rater_id <> me AND NOT (
                ecomops_allowed('act_for_others', NULL) AND ecomops_below(me, OLD.rater_id)
                AND OLD.employee_id <> me
            ) THEN
                PERFORM ecomops_refuse('only its rater, or one acting for them, retires a sheet');
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.employee_id = NEW.rater_id OR NEW.employee_id = me THEN
            PERFORM ecomops_refuse('nobody rates themselves');
        END IF;
        IF NEW.rater_id <> me THEN
            IF NEW.entered_by_id IS DISTINCT FROM me OR NOT ecomops_acts_for(NEW.rater_id) THEN
                PERFORM ecomops_refuse('a sheet is one''s own, or entered for a rater under one');
            END IF;
        ELSIF NEW.entered_by_id IS NOT NULL THEN
            PERFORM ecomops_refuse('one''s own sheet is entered by nobody else');
        END IF;
        IF NEW.rater_position_id IS DISTINCT FROM (
            SELECT position_id FROM staff WHERE id = NEW.rater_id AND active
        ) THEN
            PERFORM ecomops_refuse('a sheet names its rater''s own position');
        END IF;
        IF NOT ecomops_allowed_for(NEW.rater_id, 'rate', NEW.employee_id) THEN
            PERFORM ecomops_refuse('the rater may not rate this person');
        END IF;
        NEW.created_at := COALESCE(now_, NEW.created_at);
        RETURN NEW;
    """,
    "sheet_score": """
        IF NOT EXISTS (
            SELECT 1 FROM sheet s JOIN cycle c ON c.id = s.cycle_id
            WHERE s.id = NEW.sheet_id AND c.status = 'open'
              AND s.xmin = pg_current_xact_id()::xid
        ) THEN
            PERFORM ecomops_refuse('scores go with their sheet, written in an open cycle');
        END IF;
        RETURN NEW;
    """,
    "calibration": """
        IF (SELECT status FROM cycle WHERE id = NEW.cycle_id) IS DISTINCT FROM 'open' THEN
            PERFORM ecomops_refuse('the cycle is not open');
        END IF;
        NEW.at := COALESCE(now_, NEW.at);
        RETURN NEW;
    """,
    "cycle_member": """
        IF (SELECT status FROM cycle WHERE id = NEW.cycle_id) IS DISTINCT FROM 'open' THEN
            PERFORM ecomops_refuse('the cycle is not open');
        END IF;
        IF NEW.position_id IS DISTINCT FROM (SELECT position_id FROM staff
                                            WHERE id = NEW.staff_id) THEN
            PERFORM ecomops_refuse('a member is appraised in their own position');
        END IF;
        RETURN NEW;
    """,
    "cycle": """
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'open' OR NEW.closed_at IS NOT NULL OR NEW.closed_by_id IS NOT NULL
               OR NEW.close_override IS NOT NULL OR NEW.closed_members IS NOT NULL
               OR NEW.closed_complete IS NOT NULL OR NEW.reopened_at IS NOT NULL
               OR NEW.reopened_by_id IS NOT NULL OR NEW.reopen_reason IS NOT NULL THEN
                PERFORM ecomops_refuse('a cycle opens open');
            END IF;
            NEW.opened_at := COALESCE(now_, NEW.opened_at);
            RETURN NEW;
        END IF;
        IF NEW.id <> OLD.id OR NEW.kind_id <> OLD.kind_id
           OR NEW.opened_at IS DISTINCT FROM OLD.opened_at THEN
            PERFORM ecomops_refuse('a cycle keeps its id, kind and opening');
        END IF;
        IF OLD.status = 'open' AND NEW.status = 'closed' THEN
            IF NOT ecomops_allowed('close_cycle', NULL) THEN
                PERFORM ecomops_refuse('this role may not close a cycle');
            END IF;
            IF NEW.closed_by_id IS DISTINCT FROM me THEN
                PERFORM ecomops_refuse('a cycle is closed in the closer''s own name');
            END IF;
            IF NEW.reopened_at IS DISTINCT FROM OLD.reopened_at
               OR NEW.reopened_by_id IS DISTINCT FROM OLD.reopened_by_id
               OR NEW.reopen_reason IS DISTINCT FROM OLD.reopen_reason THEN
                PERFORM ecomops_refuse('closing keeps the reopening on record');
            END IF;
            SELECT p.members, p.complete INTO NEW.closed_members, NEW.closed_complete
            FROM ecomops_cycle_progress(NEW.id) p;
            IF NEW.closed_complete < NEW.closed_members THEN
                IF NULLIF(btrim(NEW.close_override), '') IS NULL
                   OR NOT ecomops_allowed('override_quota', NULL) THEN
                    PERFORM ecomops_refuse('appraisals are pending: closing needs an override '
                                           'reason by someone who may override');
                END IF;
            END IF;
            NEW.closed_at := COALESCE(now_, NEW.closed_at);
            RETURN NEW;
        END IF;
        IF OLD.status = 'closed' AND NEW.status = 'open' THEN
            IF NOT ecomops_allowed('reopen_cycle', NULL) THEN
                PERFORM ecomops_refuse('this role may not reopen a cycle');
            END IF;
            IF NEW.reopened_by_id IS DISTINCT FROM me
               OR NULLIF(btrim(NEW.reopen_reason), '') IS NULL THEN
                PERFORM ecomops_refuse('a cycle is reopened in one''s own name, with a reason');
            END IF;
            IF NEW.closed_at IS DISTINCT FROM OLD.closed_at
               OR NEW.closed_by_id IS DISTINCT FROM OLD.closed_by_id
               OR NEW.close_override IS DISTINCT FROM OLD.close_override THEN
                PERFORM ecomops_refuse('reopening keeps the closing on record');
            END IF;
            NEW.closed_members := NULL;
            NEW.closed_complete := NULL;
            NEW.reopened_at := COALESCE(now_, NEW.reopened_at);
            RETURN NEW;
        END IF;
        IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
            PERFORM ecomops_refuse('a cycle only opens, closes and reopens');
        END IF;
        RETURN NEW;
    """,
    "plan": """
        IF TG_OP = 'UPDATE' THEN
            IF NEW.is_current AND NOT OLD.is_current THEN
                PERFORM ecomops_refuse('an old version does not become current again');
            END IF;
            IF NOT ecomops_acts_for(OLD.staff_id) THEN
                PERFORM ecomops_refuse('one''s own plans, or those of people under one');
            END IF;
            IF NEW.sent_at IS NOT NULL AND NEW.sent_at IS DISTINCT FROM OLD.sent_at THEN
                NEW.sent_at := COALESCE(now_, NEW.sent_at);
            END IF;
            RETURN NEW;
        END IF;
        IF NOT ecomops_acts_for(NEW.staff_id) THEN
            PERFORM ecomops_refuse('one''s own plans, or those of people under one');
        END IF;
        NEW.recorded_at := COALESCE(now_, NEW.recorded_at);
        IF NEW.entered_by_id IS NULL THEN
            NEW.submitted_at := COALESCE(now_, NEW.submitted_at);
        ELSIF NEW.submitted_at > now_ THEN
            PERFORM ecomops_refuse('a plan is not received later than now');
        END IF;
        IF NEW.sent_at IS NOT NULL THEN
            NEW.sent_at := COALESCE(now_, NEW.sent_at);
        END IF;
        RETURN NEW;
    """,
    "leave": """
        IF TG_OP = 'UPDATE' THEN
            IF NOT ecomops_allowed('approve_leave', NULL) OR OLD.staff_id = me THEN
                PERFORM ecomops_refuse('only someone who may approve leave decides, never '
                                       'on their own');
            END IF;
            IF OLD.status <> 'pending' OR NEW.status NOT IN ('approved', 'declined')
               OR NEW.decided_by_id IS DISTINCT FROM me THEN
                PERFORM ecomops_refuse('a pending request is decided once, in one''s own name');
            END IF;
            IF NEW.status = 'declined' AND NULLIF(btrim(NEW.decision_reason), '') IS NULL THEN
                PERFORM ecomops_refuse('a decline gives its reason');
            END IF;
            IF NEW.status = 'approved' AND NEW.decision_reason IS NOT NULL THEN
                PERFORM ecomops_refuse('an approval takes no reason');
            END IF;
            NEW.decided_at := COALESCE(now_, NEW.decided_at);
            RETURN NEW;
        END IF;
        IF NOT ecomops_acts_for(NEW.staff_id) THEN
            PERFORM ecomops_refuse('one asks leave for oneself, or for someone under one');
        END IF;
        IF NEW.decided_by_id IS NOT NULL OR NEW.decided_at IS NOT NULL
           OR NEW.decision_reason IS NOT NULL THEN
            PERFORM ecomops_refuse('a request is decided after it is asked for');
        END IF;
        IF ecomops_protected(NEW.start, NEW."end") THEN
            IF NOT NEW.special OR NEW.status <> 'pending' THEN
                PERFORM ecomops_refuse('a protected day (3.2 rule 7) takes only a special '
                                       'request, pending the head''s decision');
            END IF;
        ELSIF NEW.status NOT IN ('approved', 'pending') THEN
            PERFORM ecomops_refuse('a request is asked for approved or pending');
        END IF;
        NEW.created_at := COALESCE(now_, NEW.created_at);
        RETURN NEW;
    """,
    "handover": """
        IF TG_OP = 'UPDATE' THEN
            IF NOT ecomops_allowed('ack_handover', NULL) OR OLD.staff_id = me THEN
                PERFORM ecomops_refuse('only someone who may acknowledge a handover does, '
                                       'never their own');
            END IF;
            IF OLD.acked_at IS NOT NULL OR OLD.acked_by_id IS NOT NULL
               OR NEW.acked_by_id IS DISTINCT FROM me THEN
                PERFORM ecomops_refuse('a form is acknowledged once, in one''s own name');
            END IF;
            NEW.acked_at := COALESCE(now_, NEW.acked_at);
            RETURN NEW;
        END IF;
        IF NOT ecomops_acts_for(NEW.staff_id) THEN
            PERFORM ecomops_refuse('one hands over one''s own work, or that of someone under one');
        END IF;
        IF NEW.cover_id = NEW.staff_id OR NOT EXISTS (
            SELECT 1 FROM staff WHERE id = NEW.cover_id AND active
        ) THEN
            PERFORM ecomops_refuse('the cover is another active member');
        END IF;
        IF NEW.acked_at IS NOT NULL OR NEW.acked_by_id IS NOT NULL THEN
            PERFORM ecomops_refuse('a form is acknowledged after it is handed in');
        END IF;
        NEW.created_at := COALESCE(now_, NEW.created_at);
        RETURN NEW;
    """,
    "visitor": """
        IF TG_OP = 'UPDATE' THEN
            IF OLD.left_at IS NOT NULL OR NEW.left_at IS NULL OR NEW.left_at < OLD.arrived_at
               OR NEW.left_at > now_ + interval '5 minutes' THEN
                PERFORM ecomops_refuse('a visit ends once, between its arrival and now');
            END IF;
            RETURN NEW;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM staff WHERE id = NEW.approved_by_id AND active
                       AND position_id = ANY (ecomops_leaders())) THEN
            PERFORM ecomops_refuse('a visit is approved by a leader (3.1 rule 10)');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM staff WHERE id = NEW.escort_id AND active) THEN
            PERFORM ecomops_refuse('the escort is an active member');
        END IF;
        IF NEW.left_at IS NOT NULL OR NEW.arrived_at > now_ + interval '5 minutes' THEN
            PERFORM ecomops_refuse('a visitor arrives by now, and has not left yet');
        END IF;
        RETURN NEW;
    """,
    "task": """
        assign := ecomops_allowed('assign_task', NULL);
        IF TG_OP = 'INSERT' THEN
            IF NOT assign AND (
                NEW.owner_id IS DISTINCT FROM me
                OR NEW.owner_position_id IS DISTINCT FROM (SELECT position_id FROM staff
                                                          WHERE id = me)
                OR NEW.status <> 'open' OR NEW.done_at IS NOT NULL OR NEW.ref IS NOT NULL
                OR NEW.cancel_reason IS NOT NULL
            ) THEN
                PERFORM ecomops_refuse('a task for someone else is for whoever may assign tasks');
            END IF;
            NEW.created_at := COALESCE(now_, NEW.created_at);
            IF NEW.done_at IS NOT NULL THEN
                NEW.done_at := COALESCE(now_, NEW.done_at);
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.id <> OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
            PERFORM ecomops_refuse('a task keeps its id and creation');
        END IF;
        IF NOT assign THEN
            IF NOT (OLD.owner_id = me OR (OLD.owner_id IS NULL AND OLD.owner_position_id = (
                    SELECT position_id FROM staff WHERE id = me))
                    OR ecomops_allowed('work_task', NULL)) THEN
                PERFORM ecomops_refuse('only its owner works a task');
            END IF;
            IF NEW.ref IS DISTINCT FROM OLD.ref OR NEW.source IS DISTINCT FROM OLD.source
               OR NEW.title_zh IS DISTINCT FROM OLD.title_zh
               OR NEW.title_en IS DISTINCT FROM OLD.title_en
               OR NEW.goal_id IS DISTINCT FROM OLD.goal_id
               OR NEW.owner_id IS DISTINCT FROM OLD.owner_id
               OR NEW.owner_position_id IS DISTINCT FROM OLD.owner_position_id
               OR NEW.due IS DISTINCT FROM OLD.due OR NEW.target IS DISTINCT FROM OLD.target
               OR NEW.cancel_reason IS DISTINCT FROM OLD.cancel_reason
               OR NEW.owner_by_hand IS DISTINCT FROM OLD.owner_by_hand
               OR NEW.due_by_hand IS DISTINCT FROM OLD.due_by_hand THEN
                PERFORM ecomops_refuse('a task''s owner, dates and title are for whoever may '
                                       'assign tasks');
            END IF;
            IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
                (NEW.status = 'doing' AND OLD.status = 'open')
                OR (NEW.status = 'done' AND OLD.status IN ('open', 'doing'))
                OR (NEW.status = 'open' AND OLD.status IN ('done', 'doing'))
            ) THEN
                PERFORM ecomops_refuse('cancelling or reopening a dropped task is for whoever '
                                       'may assign tasks');
            END IF;
        END IF;
        IF NEW.status = 'done' AND OLD.status IS DISTINCT FROM 'done' THEN
            NEW.done_at := COALESCE(now_, NEW.done_at);
        ELSIF NEW.done_at IS DISTINCT FROM OLD.done_at AND NEW.done_at IS NOT NULL THEN
            PERFORM ecomops_refuse('a task is done when it is marked done');
        ELSIF NEW.status = 'done' AND NEW.done_at IS NULL THEN
            PERFORM ecomops_refuse('a done task keeps when it was done');
        END IF;
        RETURN NEW;
    """,
    "task_event": """
        SELECT name INTO myname FROM staff WHERE id = me;
        IF NOT (
            NEW.actor = myname
            OR (NEW.actor = 'handbook' AND ecomops_allowed('assign_task', NULL))
            OR (ecomops_allowed('act_for_others', NULL) AND EXISTS (
                SELECT 1 FROM staff s WHERE NEW.actor = s.name || ' (by ' || myname || ')'
                AND ecomops_below(me, s.id)))
        ) THEN
            PERFORM ecomops_refuse('a task''s history is written in one''s own name');
        END IF;
        IF NOT ecomops_allowed('assign_task', NULL) AND NOT ecomops_allowed('work_task', NULL)
           AND NOT EXISTS (
            SELECT 1 FROM task t WHERE t.id = NEW.task_id AND (t.owner_id = me OR (
                t.owner_id IS NULL AND t.owner_position_id = (SELECT position_id FROM staff
                                                              WHERE id = me)))
        ) THEN
            PERFORM ecomops_refuse('only a task one works has a line of one''s history');
        END IF;
        NEW.at := COALESCE(now_, NEW.at);
        RETURN NEW;
    """,
    "audit": """
        IF NEW.acted_for IS NOT NULL AND NEW.acted_for <> NEW.actor AND NOT (
            ecomops_allowed('act_for_others', NULL) AND EXISTS (
                SELECT 1 FROM staff s WHERE s.name = NEW.acted_for AND ecomops_below(me, s.id))
        ) THEN
            PERFORM ecomops_refuse('one acts only for people under oneself');
        END IF;
        NEW.at := COALESCE(now_, NEW.at);
        RETURN NEW;
    """,
    "calendar_year": """
        NEW.loaded_at := COALESCE(now_, NEW.loaded_at);
        RETURN NEW;
    """,
}

#: the INSERT (and leave's UPDATE) policies of revisions 0010 and 0012 without their time
#: windows, which the triggers make moot (the time is set) and a long transaction would fail
POLICIES: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("sheet", "INSERT"): (
        None,
        f"{KEEPER} OR (rater_id = {ME} AND employee_id <> rater_id AND entered_by_id IS NULL"
        f" AND ecomops_allowed('rate', employee_id)) OR ("
        f"{ACT_FOR} AND entered_by_id = {ME} AND employee_id <> {ME} "
        f"AND employee_id <> rater_id)",
    ),
    ("calibration", "INSERT"): (
        None,
        f"{KEEPER} OR (by_id = {ME} AND {_may('calibrate')} AND employee_id <> by_id)",
    ),
    ("plan", "INSERT"): (
        None,
        f"{KEEPER} OR (staff_id = {ME} AND entered_by_id IS NULL) OR ({ACT_FOR} "
        f"AND staff_id <> {ME} AND entered_by_id = {ME})",
    ),
    ("leave", "INSERT"): (None, f"{KEEPER} OR staff_id = {ME} OR {ACT_FOR}"),
    ("leave", "UPDATE"): (
        f"{KEEPER} OR ({_may('approve_leave')} AND staff_id <> {ME})",
        f"{KEEPER} OR ({_may('approve_leave')} AND staff_id <> {ME} AND decided_by_id = {ME})",
    ),
    ("audit", "INSERT"): (
        None,
        f"{KEEPER} OR actor = (SELECT name FROM staff WHERE id = {ME})",
    ),
    ("task_event", "INSERT"): (None, f"{KEEPER} OR {ME} IS NOT NULL"),
    ("staff_change", "INSERT"): (
        None,
        f"{KEEPER} OR ({_may('manage_staff')} AND staff_id <> {ME} AND by_id = {ME})",
    ),
    # handover and visitor had none: anyone reads them (as `handover list` and `visitor list`
    # show them to anyone); writes as the triggers say; nobody but the keeper deletes
    ("handover", "SELECT"): ("true", None),
    ("handover", "INSERT"): (None, f"{KEEPER} OR {ME} IS NOT NULL"),
    ("handover", "UPDATE"): (f"{KEEPER} OR ({_may('ack_handover')} AND staff_id <> {ME})", None),
    ("handover", "DELETE"): (KEEPER, None),
    ("visitor", "SELECT"): ("true", None),
    ("visitor", "INSERT"): (None, f"{KEEPER} OR {ME} IS NOT NULL"),
    ("visitor", "UPDATE"): (f"{KEEPER} OR {ME} IS NOT NULL", None),
    ("visitor", "DELETE"): (KEEPER, None),
    # a task: whoever may assign tasks, its owner, or whoever may work any task (the trigger
    # says which columns each may change)
}

NEW_RLS = ("handover", "visitor")

#: the history line each roster column's change comes with (staff_change.field)
HISTORY = {
    "position_id": "position",
    "manager_id": "manager",
    "email": "email",
    "login": "login",
    "joined_on": "joined",
    "active": "active",
}


def _schema() -> str:
    bind = op.get_bind()
    return bind.dialect.identifier_preparer.quote(
        bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    )


def _guard(table: str, body: str, schema: str) -> str:
    declare = "me integer; now_ timestamp;"
    if table == "task":
        declare += " assign boolean;"
    if table == "task_event":
        declare += " myname text;"
    return f"""
    CREATE OR REPLACE FUNCTION ecomops_guard_{table}() RETURNS trigger LANGUAGE plpgsql
    SET search_path = {schema}, pg_temp AS $$
    DECLARE {declare}
    BEGIN
        IF ecomops_keeper() THEN
            RETURN NEW;
        END IF;
        me := ecomops_me();
        IF me IS NULL THEN
            PERFORM ecomops_refuse('this role acts for nobody active on the roster');
        END IF;
        now_ := ecomops_clock();
        {body}
    END
    $$
    """


def _history_check(schema: str) -> str:
    checks = "\n".join(
        f"""
        IF NEW.{column} IS DISTINCT FROM OLD.{column} AND NOT EXISTS (
            SELECT 1 FROM staff_change c WHERE c.staff_id = NEW.id AND c.field = '{field}'
            AND c.by_id = me AND c.{THIS_TRANSACTION}
        ) THEN
            PERFORM ecomops_refuse('a change of ' || NEW.name || '''s {field} comes with its '
                                   'history line (staff_change)');
        END IF;"""
        for column, field in HISTORY.items()
    )
    return f"""
    CREATE OR REPLACE FUNCTION ecomops_staff_history() RETURNS trigger LANGUAGE plpgsql
    SET search_path = {schema}, pg_temp AS $$
    DECLARE me integer;
    BEGIN
        IF ecomops_keeper() THEN
            RETURN NULL;
        END IF;
        me := ecomops_me();
        {checks}
        RETURN NULL;
    END
    $$
    """


def _policy(table: str, command: str, using: str | None, check: str | None) -> None:
    op.execute(f"DROP POLICY IF EXISTS ecomops_{command.lower()} ON {table}")
    clause = f"FOR {command}"
    if using is not None:
        clause += f" USING ({using})"
    if check is not None:
        clause += f" WITH CHECK ({check})"
    op.execute(f"CREATE POLICY ecomops_{command.lower()} ON {table} {clause}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # (not on SQLite: a table rebuild, and whoever writes the file is its keeper anyway; the
    # tool and db restore check scores there)
    op.create_check_constraint("ck_sheet_score_range", "sheet_score", "score >= 0 AND score <= 100")
    schema = _schema()
    for sql in HELPERS:
        op.execute(sql.replace(" AS $$", f" SET search_path = {schema}, pg_temp AS $$", 1))
    for table in NEW_RLS:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for (table, command), (using, check) in POLICIES.items():
        _policy(table, command, using, check)
    # the owner's bulk writes skip the triggers at the cost of a catalog lookup (a function
    # call per row would double their time); the functions pass the keeper all the same, should
    # the tables change hands
    owner = op.get_bind().exec_driver_sql(
        "SELECT quote_literal(pg_get_userbyid(relowner)) FROM pg_class "
        "WHERE oid = 'staff'::regclass"
    ).scalar_one()
    not_owner = f"WHEN (NOT pg_has_role({owner}, 'MEMBER'))"
    for table, body in GUARDS.items():
        op.execute(_guard(table, body, schema))
        op.execute(
            f"CREATE TRIGGER ecomops_guard BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW {not_owner} EXECUTE FUNCTION ecomops_guard_{table}()"
        )
    op.execute(_history_check(schema))
    op.execute(
        "CREATE CONSTRAINT TRIGGER ecomops_history AFTER UPDATE ON staff "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {not_owner} "
        "EXECUTE FUNCTION ecomops_staff_history()"
    )


def _revision(name: str):
    """A sibling revision's module (their file names start with digits)."""
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"ecomops_revision_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ecomops_history ON staff")
        op.execute("DROP FUNCTION IF EXISTS ecomops_staff_history()")
        for table in GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS ecomops_guard ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS ecomops_guard_{table}()")
        for table in NEW_RLS:
            for command in ("select", "insert", "update", "delete"):
                op.execute(f"DROP POLICY IF EXISTS ecomops_{command} ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        # the policies as revisions 0010 and 0012 made them
        r10 = _revision("0010_row_level_security.py")
        r12 = _revision("0012_people_over_time.py")
        for (table, command) in POLICIES:
            if table in NEW_RLS:
                continue
            if (table, command) == ("leave", "UPDATE"):
                now = (
                    "((SELECT ecomops_simulated()) OR (decided_at >= now() - interval "
                    "'15 minutes' AND decided_at <= now() + interval '1 minute'))"
                )
                using = f"{KEEPER} OR ({r12._HEAD} AND staff_id <> {ME})"
                check = (
                    f"{KEEPER} OR ({r12._HEAD} AND staff_id <> {ME} "
                    f"AND decided_by_id = {ME} AND {now})"
                )
            elif table == "staff_change":
                using, check = r12._POLICIES[table][command]
            else:
                using, check = r10.POLICIES[table][command]
            _policy(table, command, using, check)
        for name in (
            "ecomops_acts_for(integer)",
            "ecomops_cycle_progress(text)",
            "ecomops_protected(date, date)",
            "ecomops_working(date)",
            "ecomops_allowed_for(integer, text, integer)",
            "ecomops_below(integer, integer)",
            "ecomops_leaders()",
            "ecomops_reports_to(text)",
            "ecomops_is_top(integer)",
            "ecomops_clock()",
            "ecomops_refuse(text)",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
        op.drop_constraint("ck_sheet_score_range", "sheet_score", type_="check")

