-- attribution_models (bench/bench_insights.c, include/journeymap/insights.h): credit for each
-- account's first contract_signed to the channels of its touches, by nine of the ten models
-- (Markov, a removal effect over an absorbing chain, is not expressible as one SQL query).
--   touches        the account's events strictly before the conversion, in time order, i = 1..n
--   lead touch     the last touch at or before the account's first demo_request (its entry into
--                  the journey's `demo` stage); l = its index, 0 when there is none
--   opportunity    likewise for the first quote_sent (stage `quote`); o = its index or 0
--   positional     U: 0.4 first, 0.4 lead, 0.2 over the touches holding neither; W: 0.3 first,
--                  lead, opportunity, 0.1 over the rest; full path: 0.225 first, lead,
--                  opportunity, last, 0.1 over the rest. A touch holding two positions gets both
--                  weights; a missing position is left out; the weights present (the rest's
--                  only when some touch holds no position) are scaled to sum to 1.
--   fallbacks      lead_creation without a lead touch credits the first touch; opportunity
--                  without one credits the lead touch, else the first
--   time decay     2^(-age / 7 days), age = conversion time - touch time, normalised per account
-- DuckDB: the milestones per account by GROUP BY and a hash join (the form of the kit's
-- attribution.sql; twice as fast here as sql/sqlite's join-free window form), then the same
-- SQL. Output: channel, touches, converting accounts, the nine credits (6 decimals).
WITH m AS (
    SELECT account_id,
           MIN(CASE WHEN event = 'contract_signed' THEN ts END) AS cts,
           MIN(CASE WHEN event = 'demo_request' THEN ts END) AS lts,
           MIN(CASE WHEN event = 'quote_sent' THEN ts END) AS ots
    FROM events
    WHERE event IN ('contract_signed', 'demo_request', 'quote_sent')
    GROUP BY account_id
    HAVING MIN(CASE WHEN event = 'contract_signed' THEN ts END) IS NOT NULL
), tp AS (
    SELECT e.account_id, e.ts, e.channel, m.cts,
           ROW_NUMBER() OVER (PARTITION BY e.account_id ORDER BY e.ts) AS i,
           COUNT(*) OVER (PARTITION BY e.account_id) AS n,
           SUM(CASE WHEN e.ts <= m.lts THEN 1 ELSE 0 END) OVER (PARTITION BY e.account_id) AS l,
           SUM(CASE WHEN e.ts <= m.ots THEN 1 ELSE 0 END) OVER (PARTITION BY e.account_id) AS o,
           power(2.0, -(m.cts - e.ts) / 86400.0 / 7.0) AS w
    FROM events e JOIN m ON e.account_id = m.account_id
    WHERE e.ts < m.cts
), k AS (
    -- Flags as 0/1 integers (CASE rather than a comparison, which DuckDB types as boolean):
    -- which positions the touch holds, whether the account has a lead / opportunity touch, and
    -- how many distinct touches hold a position in U, W and full path.
    SELECT account_id, channel, i, n, l, o, w,
           SUM(w) OVER (PARTITION BY account_id) AS wsum,
           CASE WHEN i = 1 THEN 1 ELSE 0 END AS at_f,
           CASE WHEN i = l THEN 1 ELSE 0 END AS at_l,
           CASE WHEN i = o THEN 1 ELSE 0 END AS at_o,
           CASE WHEN i = n THEN 1 ELSE 0 END AS at_n,
           CASE WHEN l > 0 THEN 1 ELSE 0 END AS has_l,
           CASE WHEN o > 0 THEN 1 ELSE 0 END AS has_o,
           1 + CASE WHEN l > 1 THEN 1 ELSE 0 END AS ku,
           1 + CASE WHEN l > 1 THEN 1 ELSE 0 END
             + CASE WHEN o > 1 AND o <> l THEN 1 ELSE 0 END AS kw,
           1 + CASE WHEN l > 1 THEN 1 ELSE 0 END
             + CASE WHEN o > 1 AND o <> l THEN 1 ELSE 0 END
             + CASE WHEN n > 1 AND n <> l AND n <> o THEN 1 ELSE 0 END AS kf
    FROM tp
), s AS (
    SELECT account_id, channel,
           at_f AS first_touch,
           CASE WHEN i = CASE WHEN l > 0 THEN l ELSE 1 END THEN 1 ELSE 0 END AS lead_creation,
           CASE WHEN i = CASE WHEN o > 0 THEN o WHEN l > 0 THEN l ELSE 1 END THEN 1 ELSE 0 END
               AS opportunity_creation,
           at_n AS last_touch,
           1.0 / n AS linear,
           (0.4 * at_f + 0.4 * at_l
            + CASE WHEN at_f + at_l = 0 THEN 0.2 / (n - ku) ELSE 0 END)
               / (0.4 + 0.4 * has_l + CASE WHEN n > ku THEN 0.2 ELSE 0 END) AS u_shaped,
           (0.3 * at_f + 0.3 * at_l + 0.3 * at_o
            + CASE WHEN at_f + at_l + at_o = 0 THEN 0.1 / (n - kw) ELSE 0 END)
               / (0.3 + 0.3 * has_l + 0.3 * has_o + CASE WHEN n > kw THEN 0.1 ELSE 0 END)
               AS w_shaped,
           (0.225 * (at_f + at_l + at_o + at_n)
            + CASE WHEN at_f + at_l + at_o + at_n = 0 THEN 0.1 / (n - kf) ELSE 0 END)
               / (0.45 + 0.225 * (has_l + has_o) + CASE WHEN n > kf THEN 0.1 ELSE 0 END)
               AS full_path,
           w / wsum AS time_decay
    FROM k
)
SELECT channel, COUNT(*) AS touches, COUNT(DISTINCT account_id) AS converting,
       printf('%.6f', CAST(SUM(first_touch) AS DOUBLE)),
       printf('%.6f', CAST(SUM(lead_creation) AS DOUBLE)),
       printf('%.6f', CAST(SUM(opportunity_creation) AS DOUBLE)),
       printf('%.6f', CAST(SUM(last_touch) AS DOUBLE)),
       printf('%.6f', CAST(SUM(linear) AS DOUBLE)), printf('%.6f', CAST(SUM(u_shaped) AS DOUBLE)),
       printf('%.6f', CAST(SUM(w_shaped) AS DOUBLE)),
       printf('%.6f', CAST(SUM(full_path) AS DOUBLE)),
       printf('%.6f', CAST(SUM(time_decay) AS DOUBLE))
FROM s GROUP BY channel ORDER BY channel;
