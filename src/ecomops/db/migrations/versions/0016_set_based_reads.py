"""Row-level security that costs little, and counts that are right for every role.

Reads: revision 0010's SELECT policies called ``ecomops_allowed`` (plpgsql, reading the handbook
and walking the reporting line) once per row: at 10,000 people a member's ``today`` took 80×
the owner's. The policies here call their functions once per statement (each wrapped in a
sub-select, which PostgreSQL evaluates once as an InitPlan or a hashed SubPlan):

- ``ecomops_reads_all(action)``: whether the connected role's person may take ``action`` about
  anyone (their position is named in the permission table);
- ``ecomops_readable(action)``: the staff ids the connected role's person may take ``action``
  about by the ``self`` and ``reporting_line`` rules, computed with one recursive walk down
  the roster from that person (the rule of ``ecomops_allowed``, which the write policies keep).

Counts: under row-level security a member's role counted the rows it may read (the head's
``quota check`` said "17 complete, 9,933 pending — ok" where the owner said "9,950 complete —
violated"). Counts a role may know are computed here over all rows, by SECURITY DEFINER
functions that check the caller's right first and return counts only (and, for the quota's
moves, only the people the caller may read):

- ``ecomops_cycle_progress(cycles)``: each cycle's members and complete appraisals (anyone on
  the roster; ``today`` and ``cycle list`` show them to everyone);
- ``ecomops_cycle_status(cycle)``: whether each member's appraisal is complete (the report
  names each member's status to everyone) and, for whoever reads every record, which rater
  positions sent a current sheet (``today``'s team view names the ratings still owed);
- ``ecomops_cycle_quota(cycle, by, strict)``: per quota group, members, complete and whether
  the grades break the quota (anyone on the roster: the report says so to everyone); for the
  cycle's readers only (``read_cycle``) the final-grade counts and the quota's moves
  (``ecomops_quota_moves``: the rules of ``ecomops.core.quota``) of the people they may read.

Inside a SECURITY DEFINER function ``current_user`` is the owner; the caller is
``session_user`` (the login ``ecomops db grant`` made; a role cannot log in as another).

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

KEEPER = "(SELECT ecomops_keeper())"
ME = "(SELECT ecomops_me())"

# the caller's person and rights, for a login (current_user in policies, session_user inside
# the SECURITY DEFINER functions below)
READ_FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION ecomops_reads_all_by(who name, action text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT EXISTS (
            SELECT 1 FROM staff
            WHERE login = who AND active
              AND position_id NOT IN ('self', 'reporting_line', 'cycle_rater', 'task_owner')
              AND position_id = ANY (ecomops_permitted(action))
        )
    $$
    """,
    # the self and reporting_line rules of ecomops_allowed, for every person at once: the
    # people whose rater positions include the caller's, each with the caller no more than 64
    # managers above them (or the caller at the top, or the person with no manager)
    """
    CREATE OR REPLACE FUNCTION ecomops_readable_by(who name, action text)
    RETURNS SETOF integer LANGUAGE sql STABLE AS $$
        WITH RECURSIVE me AS MATERIALIZED (
            SELECT id, position_id, position_id = ANY (ecomops_tops()) AS top
            FROM staff WHERE login = who AND active
        ), rules AS MATERIALIZED (
            SELECT ecomops_permitted(action) AS entries
        ), rated AS MATERIALIZED (
            SELECT p.pos FROM (SELECT DISTINCT position_id AS pos FROM staff) p, me
            WHERE (SELECT 'reporting_line' = ANY (entries) FROM rules)
              AND me.position_id = ANY (ecomops_raters(p.pos))
        ), below(id, depth) AS (
            SELECT s.id, 1 FROM staff s, me
            WHERE s.manager_id = me.id AND EXISTS (SELECT 1 FROM rated)
            UNION ALL
            SELECT s.id, below.depth + 1 FROM staff s JOIN below ON s.manager_id = below.id
            WHERE below.depth < 64
        )
        SELECT me.id FROM me WHERE (SELECT 'self' = ANY (entries) FROM rules)
        UNION
        SELECT s.id FROM staff s, me
        WHERE s.position_id IN (SELECT pos FROM rated)
          AND (me.top OR s.manager_id IS NULL
               OR s.id IN (SELECT id FROM below))
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_reads_all(action text) RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT ecomops_reads_all_by(current_user, action) $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_readable(action text) RETURNS SETOF integer
    LANGUAGE sql STABLE AS $$ SELECT ecomops_readable_by(current_user, action) $$
    """,
]

# the counts (run as the owner: every row); completeness as ecomops.services.appraisal.state
# counts it: a current sheet, and one from every rater position the member's position needs
COUNT_FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION ecomops_cycle_complete(cid text)
    RETURNS TABLE (employee_id integer, position_id text, complete boolean, sent text[])
    LANGUAGE sql STABLE AS $$
        WITH hb AS MATERIALIZED (SELECT ecomops_handbook() AS doc),
        need AS MATERIALIZED (
            SELECT p.pos, ecomops_raters(p.pos) AS raters
            FROM (SELECT DISTINCT position_id AS pos FROM cycle_member WHERE cycle_id = cid) p
            WHERE EXISTS (
                SELECT 1 FROM jsonb_array_elements((SELECT doc FROM hb)->'positions') x
                WHERE x->>'id' = p.pos AND x->>'rubric' IS NOT NULL
            )
        ),
        sent AS (
            SELECT sh.employee_id, array_agg(DISTINCT sh.rater_position_id::text) AS have
            FROM sheet sh WHERE sh.cycle_id = cid AND sh.is_current
            GROUP BY sh.employee_id
        )
        SELECT cm.staff_id, cm.position_id::text,
               sent.have IS NOT NULL AND need.raters <@ sent.have,
               COALESCE(sent.have, '{}')
        FROM cycle_member cm JOIN need ON need.pos = cm.position_id
        LEFT JOIN sent ON sent.employee_id = cm.staff_id
        WHERE cm.cycle_id = cid
    $$
    """,
    # each member's final score (the mean of the current sheets' totals, half-up to one
    # decimal: revision 0007's exact hundredths) and final grade (the last calibration's, else
    # the band that holds the score), once complete
    """
    CREATE OR REPLACE FUNCTION ecomops_cycle_people(cid text)
    RETURNS TABLE (employee_id integer, name text, position_id text, complete boolean,
                   score numeric, final_grade text)
    LANGUAGE sql STABLE AS $$
        WITH bands AS MATERIALIZED (
            SELECT g->>'id' AS grade, (g->>'min')::numeric AS low, (g->>'max')::numeric AS high
            FROM jsonb_array_elements(ecomops_handbook()->'appraisal'->'grades') g
        ),
        totals AS (
            SELECT sh.employee_id, sh.id,
                   sum(round(cr.weight * 100)::bigint * round(ss.score * 100)::bigint) AS num,
                   sum(round(cr.weight * 100)::bigint) AS den
            FROM sheet sh
            JOIN sheet_score ss ON ss.sheet_id = sh.id
            JOIN criterion cr ON cr.rubric_id = ss.rubric_id AND cr.id = ss.criterion_id
            WHERE sh.cycle_id = cid AND sh.is_current
            GROUP BY sh.employee_id, sh.id
        ),
        scored AS (
            SELECT t.employee_id, round(CASE
                WHEN sum(t.den) = 10000 * count(*)
                    THEN sum(t.num)::numeric / (1000000 * count(*))
                ELSE avg(t.num::numeric / t.den / 100)
            END, 1) AS score
            FROM totals t GROUP BY t.employee_id
        ),
        calibrated AS (
            SELECT DISTINCT ON (c.employee_id) c.employee_id, c.grade_after
            FROM calibration c WHERE c.cycle_id = cid ORDER BY c.employee_id, c.id DESC
        )
        SELECT c.employee_id, s.name::text, c.position_id, c.complete,
               CASE WHEN c.complete THEN sc.score END,
               CASE WHEN c.complete THEN COALESCE(cal.grade_after::text, (
                   SELECT b.grade FROM bands b
                   WHERE (b.low <= sc.score AND sc.score < b.high)
                      OR (sc.score = b.high AND b.high = 100)
                   ORDER BY b.low DESC LIMIT 1
               )) END
        FROM ecomops_cycle_complete(cid) c
        JOIN staff s ON s.id = c.employee_id
        LEFT JOIN scored sc ON sc.employee_id = c.employee_id
        LEFT JOIN calibrated cal ON cal.employee_id = c.employee_id
    $$
    """,
    # whether the session's login is the keeper, or is bound to an active person
    """
    CREATE OR REPLACE FUNCTION ecomops_caller_known() RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT pg_has_role(session_user, c.relowner, 'MEMBER')
            OR EXISTS (SELECT 1 FROM staff WHERE login = session_user AND active)
        FROM pg_class c WHERE c.oid = 'staff'::regclass
    $$
    """,
    # read_cycle: the keeper, a position the permission table names, or (cycle_rater) a
    # position that rates someone appraised in the cycle
    """
    CREATE OR REPLACE FUNCTION ecomops_caller_reads_cycle(cid text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        WITH me AS MATERIALIZED (
            SELECT position_id FROM staff WHERE login = session_user AND active
        ),
        rules AS MATERIALIZED (SELECT ecomops_permitted('read_cycle') AS entries)
        SELECT (SELECT pg_has_role(session_user, c.relowner, 'MEMBER')
                FROM pg_class c WHERE c.oid = 'staff'::regclass)
            OR ecomops_reads_all_by(session_user, 'read_cycle')
            OR ((SELECT 'cycle_rater' = ANY (entries) FROM rules) AND EXISTS (
                SELECT 1 FROM (SELECT DISTINCT position_id AS pos FROM cycle_member
                               WHERE cycle_id = cid) p, me
                WHERE me.position_id = ANY (ecomops_raters(p.pos))))
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_cycle_progress(cids text[])
    RETURNS TABLE (cycle_id text, members integer, complete integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
    BEGIN
        IF NOT ecomops_caller_known() THEN
            RAISE EXCEPTION 'not on the roster' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN QUERY
            SELECT c.id::text, count(x.employee_id)::integer,
                   count(x.employee_id) FILTER (WHERE x.complete)::integer
            FROM unnest(cids) AS c(id)
            LEFT JOIN LATERAL ecomops_cycle_complete(c.id) x ON true
            GROUP BY c.id;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ecomops_cycle_status(cid text)
    RETURNS TABLE (employee_id integer, complete boolean, sent text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
    DECLARE
        team boolean;
    BEGIN
        IF NOT ecomops_caller_known() THEN
            RAISE EXCEPTION 'not on the roster' USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- who sent a sheet: for the keeper and whoever reads every record (the team's view
        -- of the ratings still owed); NULL for anyone else
        team := ecomops_reads_all_by(session_user, 'read_records')
            OR (SELECT pg_has_role(session_user, c.relowner, 'MEMBER')
                FROM pg_class c WHERE c.oid = 'staff'::regclass);
        RETURN QUERY
            SELECT x.employee_id, x.complete, CASE WHEN team THEN x.sent END
            FROM ecomops_cycle_complete(cid) x;
    END
    $$
    """,
    # per quota group: members, complete, whether the grades break the quota (the rules of
    # ecomops.core.quota: cumulative caps ceil(share * n), or strict largest-remainder counts);
    # for the cycle's readers only (NULL for anyone else) the final-grade counts and the moves
    # ([employee id, score, from, to], in order) of the people the caller may read
    """
    CREATE OR REPLACE FUNCTION ecomops_cycle_quota(cid text, by text, strict boolean)
    RETURNS TABLE (grp text, members integer, complete integer, counts jsonb,
                   violated boolean, moves jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
    DECLARE
        grades text[];
        shares numeric[];
        reader boolean;
        everyone boolean;
        readable integer[];
        a_id integer[];
        a_name text[];
        a_grp text[];
        a_done boolean[];
        a_score numeric[];
        a_grade text[];
        p_id integer[];
        p_name text[];
        p_grp text[];
        p_score numeric[];
        p_grade text[];
        r record;
        got integer[];
        want integer[];
        quotas numeric[];
        n integer;
        k integer;
        i integer;
        lft integer;
        cum integer;
        cum_share numeric;
        all_moves jsonb := '{}';
    BEGIN
        IF NOT ecomops_caller_known() THEN
            RAISE EXCEPTION 'not on the roster' USING ERRCODE = 'insufficient_privilege';
        END IF;
        reader := ecomops_caller_reads_cycle(cid);
        SELECT array_agg(t.e->>'id' ORDER BY t.o), array_agg((t.e->>'share')::numeric ORDER BY t.o)
        INTO grades, shares
        FROM jsonb_array_elements(ecomops_handbook()->'appraisal'->'grades')
             WITH ORDINALITY AS t(e, o);
        -- every member once: id, name, group, complete, score, final grade
        SELECT array_agg(x.employee_id), array_agg(x.name),
               array_agg(CASE WHEN by = 'department' THEN 'department' ELSE x.position_id END),
               array_agg(x.complete), array_agg(x.score), array_agg(x.final_grade)
        INTO a_id, a_name, a_grp, a_done, a_score, a_grade
        FROM ecomops_cycle_people(cid) x;
        IF reader THEN
            everyone := ecomops_reads_all_by(session_user, 'read_appraisal')
                OR (SELECT pg_has_role(session_user, c.relowner, 'MEMBER')
                    FROM pg_class c WHERE c.oid = 'staff'::regclass);
            readable := ARRAY(SELECT ecomops_readable_by(session_user, 'read_appraisal'));
            SELECT array_agg(q.id), array_agg(q.name), array_agg(q.g), array_agg(q.score),
                   array_agg(q.fg)
            INTO p_id, p_name, p_grp, p_score, p_grade
            FROM unnest(a_id, a_name, a_grp, a_done, a_score, a_grade)
                 AS q(id, name, g, done, score, fg)
            WHERE q.done;
            SELECT COALESCE(jsonb_object_agg(z.grp, z.moves), '{}') INTO all_moves FROM (
                SELECT mv.grp, jsonb_agg(jsonb_build_array(
                    mv.employee_id, mv.score, mv.from_grade, mv.to_grade) ORDER BY mv.o) AS moves
                FROM ecomops_quota_moves(p_id, p_name, p_grp, p_score, p_grade, grades, shares,
                                         strict) WITH ORDINALITY AS mv(grp, employee_id, score,
                                                                       from_grade, to_grade, o)
                WHERE everyone OR mv.employee_id = ANY (readable)
                GROUP BY mv.grp
            ) z;
        END IF;
        FOR r IN
            SELECT q.g, count(*)::integer AS m, count(*) FILTER (WHERE q.done)::integer AS c,
                   COALESCE(array_agg(q.fg) FILTER (WHERE q.done), '{}') AS fgs
            FROM unnest(a_grp, a_done, a_grade) AS q(g, done, fg)
            GROUP BY q.g ORDER BY q.g COLLATE "C"
        LOOP
            got := ARRAY(
                SELECT (SELECT count(*) FROM unnest(r.fgs) AS f(v) WHERE f.v = t.gr)::integer
                FROM unnest(grades) WITH ORDINALITY AS t(gr, o) ORDER BY t.o
            );
            n := r.c;
            violated := false;
            IF strict THEN
                quotas := ARRAY(SELECT s * n / 100 FROM unnest(shares) AS s);
                want := ARRAY(SELECT floor(q)::integer FROM unnest(quotas) AS q);
                lft := n - (SELECT COALESCE(sum(c), 0) FROM unnest(want) AS c);
                FOR i IN SELECT t.o FROM unnest(quotas) WITH ORDINALITY AS t(q, o)
                         ORDER BY (t.q - floor(t.q)) DESC, t.o LIMIT lft LOOP
                    want[i] := want[i] + 1;
                END LOOP;
                violated := got <> want;
            ELSE
                cum := 0;
                cum_share := 0;
                FOR k IN 1 .. array_length(grades, 1) - 1 LOOP
                    cum := cum + got[k];
                    cum_share := cum_share + shares[k];
                    IF cum > ceil(cum_share * n / 100) THEN
                        violated := true;
                    END IF;
                END LOOP;
            END IF;
            grp := r.g;
            members := r.m;
            complete := r.c;
            counts := CASE WHEN reader THEN (
                SELECT jsonb_object_agg(t.gr, t.c) FROM unnest(grades, got) AS t(gr, c)) END;
            moves := CASE WHEN reader THEN COALESCE(all_moves->r.g, '[]') END;
            RETURN NEXT;
        END LOOP;
    END
    $$
    """,
    # the quota's moves (ecomops.core.quota) among the complete appraisals given (arrays: id,
    # name, group, score, final grade): cumulative, the lowest-scoring of each grade (with those
    # moved into it) moved down one grade while the best grades hold more than their cap;
    # strict, each person to the grade of their rank. Reads no table: anyone may call it.
    """
    CREATE OR REPLACE FUNCTION ecomops_quota_moves(
        p_id integer[], p_name text[], p_grp text[], p_score numeric[], p_grade text[],
        grades text[], shares numeric[], strict boolean
    )
    RETURNS TABLE (grp text, employee_id integer, score numeric, from_grade text,
                   to_grade text)
    LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
        g text;
        n integer;
        k integer;
        i integer;
        cum integer;
        cum_share numeric;
        excess integer;
        moved integer[];
        counts integer[];
        quotas numeric[];
        lft integer;
    BEGIN
        FOR g, n IN SELECT t.gr, count(*)::integer FROM unnest(p_grp) AS t(gr)
                    GROUP BY t.gr ORDER BY t.gr COLLATE "C" LOOP
            IF strict THEN
                -- largest remainder: floors of share * n, the rest to the largest remainders
                -- (ties to the higher grade); then the grades by rank (score down, then name)
                quotas := ARRAY(SELECT s * n / 100 FROM unnest(shares) AS s);
                counts := ARRAY(SELECT floor(q)::integer FROM unnest(quotas) AS q);
                lft := n - (SELECT COALESCE(sum(c), 0) FROM unnest(counts) AS c);
                FOR i IN SELECT t.o FROM unnest(quotas) WITH ORDINALITY AS t(q, o)
                         ORDER BY (t.q - floor(t.q)) DESC, t.o LIMIT lft LOOP
                    counts[i] := counts[i] + 1;
                END LOOP;
                RETURN QUERY
                    WITH ranked AS (
                        SELECT t.id, t.score AS sc, t.grade, row_number() OVER (
                            ORDER BY t.score DESC, t.name COLLATE "C") AS r
                        FROM unnest(p_id, p_name, p_grp, p_score, p_grade)
                             AS t(id, name, gr, score, grade)
                        WHERE t.gr = g
                    ), bounds AS (
                        SELECT b.o, b.gr, sum(b.c) OVER (ORDER BY b.o) AS upto
                        FROM unnest(grades, counts) WITH ORDINALITY AS b(gr, c, o)
                    ), target AS (
                        SELECT ranked.*, (SELECT b.gr FROM bounds b WHERE b.upto >= ranked.r
                                          ORDER BY b.o LIMIT 1) AS tg
                        FROM ranked
                    )
                    SELECT g, target.id, target.sc, target.grade, target.tg FROM target
                    WHERE target.tg <> target.grade
                    ORDER BY target.r;
                CONTINUE;
            END IF;
            moved := '{}';
            cum := 0;
            cum_share := 0;
            FOR k IN 1 .. array_length(grades, 1) - 1 LOOP
                cum := cum + (SELECT count(*) FROM unnest(p_grp, p_grade) AS t(gr, grade)
                              WHERE t.gr = g AND t.grade = grades[k]);
                cum_share := cum_share + shares[k];
                excess := cum - ceil(cum_share * n / 100)::integer;
                IF excess <= 0 THEN
                    moved := '{}';
                    CONTINUE;
                END IF;
                moved := ARRAY(
                    SELECT t.id FROM unnest(p_id, p_name, p_grp, p_score, p_grade)
                                     AS t(id, name, gr, score, grade)
                    WHERE t.gr = g AND (t.grade = grades[k] OR t.id = ANY (moved))
                    ORDER BY t.score, t.name COLLATE "C" LIMIT excess
                );
                RETURN QUERY
                    SELECT g, t.id, t.score, grades[k], grades[k + 1]
                    FROM unnest(p_id, p_score) AS t(id, score)
                    JOIN unnest(moved) WITH ORDINALITY AS m(id, o) ON m.id = t.id
                    ORDER BY m.o;
            END LOOP;
        END LOOP;
    END
    $$
    """,
]

#: the SELECT policies: table -> USING
POLICIES = {
    "sheet": f"{KEEPER} OR rater_id = {ME} OR (SELECT ecomops_reads_all('read_appraisal')) "
    "OR employee_id IN (SELECT ecomops_readable('read_appraisal'))",
    # every score of a sheet one may read (all of them for whoever reads every sheet)
    "sheet_score": f"{KEEPER} OR (SELECT ecomops_reads_all('read_appraisal')) "
    "OR sheet_id IN (SELECT s.id FROM sheet s)",
    "calibration": f"{KEEPER} OR (SELECT ecomops_reads_all('read_appraisal')) "
    "OR employee_id IN (SELECT ecomops_readable('read_appraisal'))",
    "plan": f"{KEEPER} OR staff_id = {ME} OR (SELECT ecomops_reads_all('read_records')) "
    "OR staff_id IN (SELECT ecomops_readable('read_records'))",
    "leave": f"{KEEPER} OR staff_id = {ME} OR (SELECT ecomops_reads_all('read_records')) "
    "OR staff_id IN (SELECT ecomops_readable('read_records'))",
}

#: revision 0010's SELECT policies, restored by the downgrade
PREVIOUS = {
    "sheet": f"{KEEPER} OR rater_id = {ME} OR ecomops_allowed('read_appraisal', employee_id)",
    "sheet_score": f"{KEEPER} OR EXISTS (SELECT 1 FROM sheet s WHERE s.id = sheet_id)",
    "calibration": f"{KEEPER} OR ecomops_allowed('read_appraisal', employee_id)",
    "plan": f"{KEEPER} OR staff_id = {ME} OR ecomops_allowed('read_records', staff_id)",
    "leave": f"{KEEPER} OR staff_id = {ME} OR ecomops_allowed('read_records', staff_id)",
}

#: what the functions are dropped as, newest first
DROPPED = [
    "ecomops_cycle_quota(text, text, boolean)",
    "ecomops_quota_moves(integer[], text[], text[], numeric[], text[], text[], numeric[], boolean)",
    "ecomops_cycle_status(text)",
    "ecomops_cycle_progress(text[])",
    "ecomops_caller_reads_cycle(text)",
    "ecomops_caller_known()",
    "ecomops_cycle_people(text)",
    "ecomops_cycle_complete(text)",
    "ecomops_readable(text)",
    "ecomops_reads_all(text)",
    "ecomops_readable_by(name, text)",
    "ecomops_reads_all_by(name, text)",
]


def _policies(using: dict[str, str]) -> None:
    for table, clause in using.items():
        op.execute(f"DROP POLICY IF EXISTS ecomops_select ON {table}")
        op.execute(f"CREATE POLICY ecomops_select ON {table} FOR SELECT USING ({clause})")


def upgrade() -> None:
    # the reporting line is walked down from a manager (the recursive walk above)
    op.create_index("ix_staff_manager_id", "staff", ["manager_id"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # as revision 0010's: each function names its schema and searches pg_temp last
    schema = bind.dialect.identifier_preparer.quote(
        bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    )
    for sql in READ_FUNCTIONS + COUNT_FUNCTIONS:
        op.execute(sql.replace(" AS $$", f" SET search_path = {schema}, pg_temp AS $$", 1))
    _policies(POLICIES)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _policies(PREVIOUS)
        for name in DROPPED:
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
    op.drop_index("ix_staff_manager_id", table_name="staff")
