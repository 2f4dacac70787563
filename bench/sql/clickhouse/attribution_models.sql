-- attribution_models (bench/bench_insights.c): the nine per-path models of
-- sql/duckdb/attribution_models.sql (its header has the definitions), written for ClickHouse
-- 18.16, which has no window functions: each converted account's touches (its events strictly
-- before its first contract_signed) become one array sorted by time, the lead / opportunity
-- touch index is the number of touches at or before the first demo_request / quote_sent (0:
-- none), and ARRAY JOIN gives each touch its index i. Credits are printed with 6 decimals by
-- hand (18.16 has no printf) into one tab-joined text column, hence TabSeparatedRaw.
SELECT concat(ch, '\t', toString(touches), '\t', toString(converting), '\t',
              arrayStringConcat(arrayMap(v -> concat(toString(intDiv(toUInt64(round(v * 1000000)), 1000000)), '.',
                                                     substring(toString(1000000 + toUInt64(round(v * 1000000)) % 1000000), 2)),
                                         [toFloat64(first_touch), toFloat64(lead_creation), toFloat64(opportunity_creation),
                                          toFloat64(last_touch), linear,
                                          u_shaped, w_shaped, full_path, time_decay]), '\t'))
FROM
(
    SELECT ch, count() AS touches, uniqExact(account_id) AS converting,
           sum(at_f) AS first_touch,
           sum(i = if(l > 0, l, 1)) AS lead_creation,
           sum(i = if(o > 0, o, if(l > 0, l, 1))) AS opportunity_creation,
           sum(at_n) AS last_touch,
           sum(1 / n) AS linear,
           sum((0.4 * (at_f + at_l) + if(at_f + at_l = 0, 0.2 / (n - ku), 0))
               / (0.4 + 0.4 * (l > 0) + if(n > ku, 0.2, 0))) AS u_shaped,
           sum((0.3 * (at_f + at_l + at_o) + if(at_f + at_l + at_o = 0, 0.1 / (n - kw), 0))
               / (0.3 + 0.3 * ((l > 0) + (o > 0)) + if(n > kw, 0.1, 0))) AS w_shaped,
           sum((0.225 * (at_f + at_l + at_o + at_n) + if(at_f + at_l + at_o + at_n = 0, 0.1 / (n - kf), 0))
               / (0.45 + 0.225 * ((l > 0) + (o > 0)) + if(n > kf, 0.1, 0))) AS full_path,
           sum(w / wsum) AS time_decay
    FROM
    (
        -- One row per touch: its channel, index, decay weight and the positions it holds.
        SELECT account_id, ch, i, w, wsum, n, l, o, ku, kw, kf,
               i = 1 AS at_f, i = l AS at_l, i = o AS at_o, i = n AS at_n
        FROM
        (
            SELECT account_id, chs, ws, n, l, o, arraySum(ws) AS wsum,
                   1 + (l > 1) AS ku,
                   1 + (l > 1) + (o > 1 AND o != l) AS kw,
                   1 + (l > 1) + (o > 1 AND o != l) + (n > 1 AND n != l AND n != o) AS kf
            FROM
            (
                SELECT account_id,
                       arraySort((c, t) -> t, groupArray(channel), groupArray(ts)) AS chs,
                       arraySort(groupArray(ts)) AS tss,
                       length(tss) AS n,
                       if(n_lead > 0, arrayCount(t -> t <= lead_ts, tss), 0) AS l,
                       if(n_opp > 0, arrayCount(t -> t <= opp_ts, tss), 0) AS o,
                       arrayMap(t -> pow(2, -(conv_ts - t) / 86400 / 7), tss) AS ws
                FROM events
                ALL INNER JOIN
                (
                    SELECT account_id, minIf(ts, event = 'contract_signed') AS conv_ts,
                           minIf(ts, event = 'demo_request') AS lead_ts,
                           countIf(event = 'demo_request') AS n_lead,
                           minIf(ts, event = 'quote_sent') AS opp_ts,
                           countIf(event = 'quote_sent') AS n_opp
                    FROM events
                    GROUP BY account_id
                    HAVING countIf(event = 'contract_signed') > 0
                ) USING account_id
                WHERE ts < conv_ts
                GROUP BY account_id, conv_ts, lead_ts, n_lead, opp_ts, n_opp
            )
        )
        ARRAY JOIN chs AS ch, ws AS w, arrayEnumerate(chs) AS i
    )
    GROUP BY ch
    ORDER BY ch
)
FORMAT TabSeparatedRaw
